import type { EntityManager } from '@mikro-orm/postgresql';
import type { Config } from './config';
import { BlindIndex, FieldCipher } from './modules/petitioner/crypto';
import { UnitService } from './modules/org/unit.service';
import { PetitionerService } from './modules/petitioner/petitioner.service';
import { CaseService } from './modules/case/case.service';
import { TerminationService } from './modules/termination/termination.service';
import { AuditService } from './modules/audit/audit.service';
import { SharingService } from './modules/sharing/sharing.service';
import { UnitTreeCache } from './modules/org/unit-tree';
import { createFollowUpServices } from './modules/followup';
import { createSupervisionServices } from './modules/supervision';
import { HubMetrics } from './shared/metrics';
import type { Deps } from './shared/deps';

/** The process-wide dependencies (src/shared/deps.ts) for one configuration. */
export function createDeps(config: Config, now: () => Date = () => new Date()): Deps {
  return {
    config,
    cipher: FieldCipher.fromSpec(config.personalDataKeys),
    blindIndex: new BlindIndex(Buffer.from(config.blindIndexKey, 'base64')),
    now,
    metrics: new HubMetrics(),
    unitTree: new UnitTreeCache(),
  };
}

/**
 * Per-request services, all bound to the request's EntityManager. `audit` may keep its own clock
 * (the demo seeder writes past records through services on a past clock, audited at the real time).
 */
export function createServices(em: EntityManager, deps: Deps, audit = new AuditService(em, deps.now)) {
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
