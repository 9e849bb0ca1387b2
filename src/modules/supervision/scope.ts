import type { EntityManager } from '@mikro-orm/postgresql';
import type { Actor } from '../../auth/actor';
import { INSPECTORS } from '../../access/roles';
import { ForbiddenError, NotFoundError, type Problems } from '../../errors';
import { addDays, isIsoDate } from '../../shared/dates';
import { Unit } from '../org/unit.entity';
import { unitInJurisdiction } from '../../access/jurisdiction';

export function assertInspector(actor: Actor): void {
  if (!INSPECTORS.includes(actor.role))
    throw new ForbiddenError('只有监督检查人员和信访工作机构审核人员可以进行监督检查查询');
}

/**
 * The units an inspection query covers: a subtree, less the reviewer's own agency.
 *
 * A SUPERVISOR covers every unit of their own unit's subtree. An AGENCY_REVIEWER covers the units
 * below their agency (DESIGN.md §1: the upper-level agency oversees the units below it), not the
 * agency's own cases, which the agency above it oversees. `unitCode` narrows the scope to that
 * unit's subtree (still less the reviewer's own agency).
 */
export interface InspectionScope {
  unit: Unit;
  /** ltree path of the subtree's root. */
  path: string;
  /** A unit of the subtree that is not covered (the reviewer's own agency), or null. */
  excludeUnitId: number | null;
}

/** `unit <alias>` is inside the scope: the SQL condition and its parameters. */
export function scopeSql(scope: InspectionScope, alias = 'u'): { sql: string; params: unknown[] } {
  return scope.excludeUnitId === null
    ? { sql: `${alias}.path <@ ?::ltree`, params: [scope.path] }
    : { sql: `${alias}.path <@ ?::ltree and ${alias}.id <> ?`, params: [scope.path, scope.excludeUnitId] };
}

/**
 * The scope of an inspection query for the actor, or null when `unitCode` names a unit that does
 * not exist or lies outside the actor's jurisdiction (a list then answers nothing, exactly as for
 * an unknown unit, like the other lists of the hub). `strict` (statistics and reports, which name
 * their unit) answers NOT_FOUND instead.
 */
export async function inspectionScope(
  em: EntityManager,
  actor: Actor,
  unitCode: string | null | undefined,
  strict = false,
): Promise<InspectionScope | null> {
  assertInspector(actor);
  const exclude = actor.role === 'AGENCY_REVIEWER' ? actor.unitId : null;
  const unit = unitCode
    ? await unitInJurisdiction(em, actor, unitCode)
    : await em.findOne(Unit, { id: actor.unitId });
  if (!unit) {
    if (strict) throw new NotFoundError(`单位 ${unitCode ?? ''} `);
    return null;
  }
  return { unit, path: unit.path, excludeUnitId: exclude };
}

/** An inclusive period of calendar days; either end may be open. */
export interface Period {
  from: string | null;
  to: string | null;
}

export function checkPeriod(
  p: Problems,
  from: string | null | undefined,
  to: string | null | undefined,
  fields: [string, string] = ['from', 'to'],
): Period {
  const f = from || null;
  const t = to || null;
  if (f !== null) p.check(isIsoDate(f), fields[0], '日期格式应为 YYYY-MM-DD');
  if (t !== null) p.check(isIsoDate(t), fields[1], '日期格式应为 YYYY-MM-DD');
  if (f && t && isIsoDate(f) && isIsoDate(t)) p.check(f <= t, fields[1], '截止日期不能早于起始日期');
  return { from: f, to: t };
}

export const inPeriod = (day: string | null | undefined, period: Period): boolean =>
  !!day && (period.from === null || day >= period.from) && (period.to === null || day <= period.to);

/** The period as timestamptz bounds in China time: [from 00:00, to+1 00:00) at UTC+8. */
export function periodInstants(period: Period): { from: string | null; toExclusive: string | null } {
  return {
    from: period.from ? `${period.from}T00:00:00+08:00` : null,
    toExclusive: period.to ? `${addDays(period.to, 1)}T00:00:00+08:00` : null,
  };
}
