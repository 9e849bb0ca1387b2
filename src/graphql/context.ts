import type { EntityManager } from '@mikro-orm/postgresql';
import type { Actor } from '../auth/actor';
import type { Logger } from '../logger';
import type { Services } from '../services';
import type { Loaders } from './loaders';
import type { RequestAudit } from '../access/clear-reads';

/** Everything a resolver may use; built once per request. */
export interface Context {
  actor: Actor;
  em: EntityManager;
  services: Services;
  loaders: Loaders;
  /** The request's clear reads, audited before the response leaves (src/access/clear-reads.ts). */
  audit: RequestAudit;
  logger: Logger;
  requestId: string;
}
