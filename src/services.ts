import type { EntityManager } from '@mikro-orm/postgresql';
import type { Config } from './config';
import { UnitService } from './modules/org/unit.service';

/** Process-wide dependencies that services share (configuration, keys, clock). */
export interface Deps {
  config: Config;
  /** The clock, injectable so tests can move time. */
  now: () => Date;
}

/** Per-request services, all bound to the request's EntityManager. */
export function createServices(em: EntityManager, _deps: Deps) {
  return {
    units: new UnitService(em),
  };
}
export type Services = ReturnType<typeof createServices>;
