import type { EntityManager } from '@mikro-orm/postgresql';
import type { Config } from './config';
import { BlindIndex, FieldCipher } from './modules/petitioner/crypto';
import { UnitService } from './modules/org/unit.service';
import { PetitionerService } from './modules/petitioner/petitioner.service';
import { CaseService } from './modules/case/case.service';
import { TerminationService } from './modules/termination/termination.service';
import { AuditService } from './modules/audit/audit.service';
import { SharingService } from './modules/sharing/sharing.service';
import { GramStatisticsCache } from './modules/sharing/content-grams';
import { UnitTreeCache } from './modules/org/unit-tree';
import { createFollowUpServices } from './modules/followup';
import { createSupervisionServices } from './modules/supervision';

/** Process-wide dependencies that services share (configuration, keys, clock). */
export interface Deps {
  config: Config;
  cipher: FieldCipher;
  blindIndex: BlindIndex;
  /** The clock, injectable so tests can move time. */
  now: () => Date;
  /** The duplicate check's bigram statistics, read from the database now and then. */
  gramStatistics: GramStatisticsCache;
  /** The unit tree, cached while the hub listens for its changes (org/unit-tree.ts). */
  unitTree: UnitTreeCache;
}

export function createDeps(config: Config, now: () => Date = () => new Date()): Deps {
  return {
    config,
    cipher: FieldCipher.fromSpec(config.personalDataKeys),
    blindIndex: new BlindIndex(Buffer.from(config.blindIndexKey, 'base64')),
    now,
    gramStatistics: new GramStatisticsCache(),
    unitTree: new UnitTreeCache(),
  };
}

/** Per-request services, all bound to the request's EntityManager. */
export function createServices(em: EntityManager, deps: Deps) {
  const audit = new AuditService(em, deps.now);
  const units = new UnitService(em, audit, () => deps.unitTree.invalidate());
  const petitioners = new PetitionerService(em, deps);
  const cases = new CaseService(em, deps, petitioners, audit);
  const termination = new TerminationService(em, deps, cases, audit);
  const sharing = new SharingService(em, deps, audit);
  const followup = createFollowUpServices(em, deps, { cases, audit });
  const supervision = createSupervisionServices(em, deps, { audit });
  return { audit, units, petitioners, cases, termination, sharing, followup, supervision };
}
export type Services = ReturnType<typeof createServices>;
