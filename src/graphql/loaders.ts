import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Unit } from '../modules/org/unit.entity';
import { CaseStep, PetitionCase } from '../modules/case/case.entity';
import { TerminationApplication } from '../modules/termination/termination.entity';
import { arrayLiteral } from '../shared/sql';
import type { UnitTreeCache } from '../modules/org/unit-tree';

/** Groups rows by a key, in the order of `keys`, for DataLoader batch functions. */
export function groupBy<K, V>(keys: readonly K[], rows: V[], keyOf: (v: V) => K): V[][] {
  const map = new Map<K, V[]>(keys.map((k) => [k, []]));
  for (const r of rows) map.get(keyOf(r))?.push(r);
  return keys.map((k) => map.get(k)!);
}
/** One row (or null) per key, in the order of `keys`. */
export function byKey<K, V>(keys: readonly K[], rows: V[], keyOf: (v: V) => K): (V | null)[] {
  const map = new Map<K, V>(rows.map((r) => [keyOf(r), r]));
  return keys.map((k) => map.get(k) ?? null);
}

/**
 * Per-request loaders: one query per relation per page, whatever the page size. Created per
 * request, so nothing is cached across users.
 */
export function createLoaders(em: EntityManager, unitTree: UnitTreeCache) {
  /** What `unitInfo` has answered in this request, readable without a promise (knownUnitInfo). */
  const knownUnits = new Map<number, { unit: Unit; examiningAgencyId: number | null } | null>();
  return {
    /**
     * The unit info `unitInfo` has already loaded in this request, synchronously (undefined when
     * not loaded yet): a page that primed its units resolves each row's fields without a promise.
     */
    knownUnitInfo: (id: number) => knownUnits.get(id),
    /**
     * Units with the nearest PETITION_AGENCY strictly above each (the examining agency of its
     * cases), from the process's unit tree (no query while it is cached): both are needed to
     * decide who sees a petitioner in clear. The units are frozen views with the entity's columns
     * (GraphQL reads them as it reads a Unit), shared across requests, never written through.
     */
    unitInfo: new DataLoader<number, { unit: Unit; examiningAgencyId: number | null } | null>(async (ids) => {
      let tree = await unitTree.get(em);
      if (ids.some((id) => !tree.byId.has(id))) {
        unitTree.invalidate(); // a unit created a moment ago, its notification still on the way
        tree = await unitTree.get(em);
      }
      return ids.map((id) => {
        const unit = tree.byId.get(id);
        const info = unit
          ? { unit: unit as unknown as Unit, examiningAgencyId: tree.examiningAgencyOf(id) }
          : null;
        knownUnits.set(id, info);
        return info;
      });
    }),
    /** Units above each unit, from the root down (ltree: one query for all of them). */
    unitAncestors: new DataLoader<number, Unit[]>(async (ids) => unitsRelatedTo(em, ids, 'ancestors')),
    /** Units below each unit, in tree order. */
    unitDescendants: new DataLoader<number, Unit[]>(async (ids) => unitsRelatedTo(em, ids, 'descendants')),
    /**
     * Cases by id, whoever may see them: callers apply the visibility rule (see
     * `visibleCase` in access/jurisdiction.ts). The handling unit comes through `unitInfo`.
     */
    cases: new DataLoader<number, PetitionCase | null>(async (ids) =>
      byKey(ids, await em.find(PetitionCase, { id: { $in: [...ids] } }), (c) => c.id),
    ),
    steps: new DataLoader<number, CaseStep[]>(async (caseIds) =>
      groupBy(
        caseIds,
        await em.find(
          CaseStep,
          { case: { $in: [...caseIds] } },
          { orderBy: { decidedAt: 'asc', id: 'asc' } },
        ),
        (s) => s.case.id,
      ),
    ),
    // The examining unit comes joined in the same query: the decision shows its agency.
    applications: new DataLoader<number, TerminationApplication[]>(async (caseIds) =>
      groupBy(
        caseIds,
        await em.find(
          TerminationApplication,
          { case: { $in: [...caseIds] } },
          { orderBy: { id: 'asc' }, populate: ['examiningUnit'], strategy: 'joined' },
        ),
        (a) => a.case.id,
      ),
    ),
  };
}
export type Loaders = ReturnType<typeof createLoaders>;

/** A unit through the request's loader. */
export async function loadUnit(loaders: Loaders, id: number): Promise<Unit | null> {
  return (await loaders.unitInfo.load(id))?.unit ?? null;
}

/** loadUnit, without a promise when this request has already loaded the unit. */
export function unitOf(loaders: Loaders, id: number): Unit | null | Promise<Unit | null> {
  const known = loaders.knownUnitInfo(id);
  return known === undefined ? loadUnit(loaders, id) : (known?.unit ?? null);
}

/**
 * The units above (`ancestors`, from the root down) or below (`descendants`, in tree order) each
 * of `ids`, in one ltree query; the units are mapped into the request's identity map.
 */
async function unitsRelatedTo(
  em: EntityManager,
  ids: readonly number[],
  direction: 'ancestors' | 'descendants',
): Promise<Unit[][]> {
  const sql =
    direction === 'ancestors'
      ? `select u.id as for_id, p.* from unit u join unit p on p.path @> u.path and p.id <> u.id
          where u.id = any(?::int[]) order by u.id, nlevel(p.path)`
      : `select u.id as for_id, p.* from unit u join unit p on p.path <@ u.path and p.id <> u.id
          where u.id = any(?::int[]) order by u.id, p.path`;
  const rows = await em.execute<(Record<string, unknown> & { for_id: number })[]>(sql, [arrayLiteral(ids)]);
  return groupBy(
    ids,
    rows.map(({ for_id, ...unit }) => ({ forId: for_id, unit: em.map(Unit, unit) })),
    (r) => r.forId,
  ).map((group) => group.map((r) => r.unit));
}

/** The parent of a unit through the request's loader (null for a root). */
export async function loadParentUnit(loaders: Loaders, unit: Unit): Promise<Unit | null> {
  return unit.parent ? loadUnit(loaders, unit.parent.id) : null;
}

/** The nearest PETITION_AGENCY strictly above a unit (the agency that examines its applications). */
export async function loadNearestAgencyAbove(loaders: Loaders, unit: Unit): Promise<Unit | null> {
  const agencyId = (await loaders.unitInfo.load(unit.id))?.examiningAgencyId ?? null;
  return agencyId === null ? null : loadUnit(loaders, agencyId);
}
