import type { EntityManager } from '@mikro-orm/postgresql';
import type { Actor } from '../auth/actor';
import type { Context } from '../graphql/context';
import type { PetitionCase } from '../modules/case/case.entity';
import { CaseStatus } from '../modules/case/case.enums';
import { Unit } from '../modules/org/unit.entity';

/*
 * Jurisdiction (DESIGN.md §1): an actor reaches their own unit and the units below it. The SQL
 * lists say the same with `path <@ actor.unitPath`; these are the checks on rows already loaded.
 */

/** ltree containment done on the paths already loaded: `path <@ ancestor`. */
export function isSameOrBelow(path: string, ancestor: string): boolean {
  return path === ancestor || path.startsWith(`${ancestor}.`);
}

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

/**
 * The application's case as this reader may see it, through the request's loaders (one query
 * per list, not one per row): a TERMINATED case is shared with everyone (as `terminatedCase`
 * does); any other case only within the reader's jurisdiction (the rule of CaseService.visible:
 * its handling unit is the reader's unit or below). Otherwise null, never an error.
 */
export async function visibleCase(ctx: Context, caseId: number): Promise<PetitionCase | null> {
  const c = await ctx.loaders.cases.load(caseId);
  if (!c) return null;
  if (c.status === CaseStatus.TERMINATED) return c;
  const info = await ctx.loaders.unitInfo.load(c.handlingUnit.id);
  return info && isSameOrBelow(info.unit.path, ctx.actor.unitPath) ? c : null;
}
