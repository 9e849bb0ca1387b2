import type { EntityManager } from '@mikro-orm/postgresql';
import type { Actor } from '../../auth/actor';
import { isSameOrBelow } from '../petitioner/personal-data';
import { Unit } from './unit.entity';

/**
 * A list's `unitCode` filter: the named unit when it lies in the actor's jurisdiction (their unit
 * or below), else null. Lists answer an unknown unit and one outside the jurisdiction alike
 * (nothing), so neither the existence nor the place of a unit leaks.
 */
export async function unitInJurisdiction(
  em: EntityManager,
  actor: Actor,
  code: string,
): Promise<Unit | null> {
  const unit = await em.findOne(Unit, { code });
  return unit && isSameOrBelow(unit.path, actor.unitPath) ? unit : null;
}

/** The subtree a list covers: the named unit's (see unitInJurisdiction), or the actor's own. */
export async function jurisdictionPath(
  em: EntityManager,
  actor: Actor,
  code: string | null | undefined,
): Promise<string | null> {
  return code ? ((await unitInJurisdiction(em, actor, code))?.path ?? null) : actor.unitPath;
}
