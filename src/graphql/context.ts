import type { EntityManager } from '@mikro-orm/postgresql';
import type { Actor } from '../auth/actor';
import type { Logger } from '../logger';
import type { Services } from '../services';

/** Everything a resolver may use; built once per request. */
export interface Context {
  actor: Actor;
  em: EntityManager;
  services: Services;
  logger: Logger;
  requestId: string;
}
