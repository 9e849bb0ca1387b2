import type { EntityManager } from '@mikro-orm/postgresql';
import type { Actor } from '../auth/actor';
import type { Logger } from '../logger';
import type { Services } from '../services';
import type { Loaders } from './loaders';
import type { RequestAudit } from './request-audit';

/** Everything a resolver may use; built once per request. */
export interface Context {
  actor: Actor;
  em: EntityManager;
  services: Services;
  loaders: Loaders;
  audit: RequestAudit;
  logger: Logger;
  requestId: string;
}
