import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Unit } from '../modules/org/unit.entity';
import { CaseStep } from '../modules/case/case.entity';
import { TerminationApplication } from '../modules/termination/termination.entity';

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
export function createLoaders(em: EntityManager) {
  return {
    /**
     * Units with the nearest PETITION_AGENCY strictly above each (the examining agency of its
     * cases), in one query: both are needed to decide who sees a petitioner in clear.
     */
    unitInfo: new DataLoader<number, { unit: Unit; examiningAgencyId: number | null } | null>(async (ids) => {
      const rows = await em.execute<
        (Record<string, unknown> & { id: number; examining_agency_id: number | null })[]
      >(
        `select u.*, (select p.id from unit p
                       where p.path @> u.path and p.id <> u.id and p.kind = 'PETITION_AGENCY'
                       order by nlevel(p.path) desc limit 1) as examining_agency_id
           from unit u where u.id = any(?::int[])`,
        [`{${ids.join(',')}}`], // knex would expand a JS array into a list
      );
      return byKey(
        ids,
        rows.map((r) => ({ unit: em.map(Unit, r), examiningAgencyId: r.examining_agency_id })),
        (x) => x.unit.id,
      );
    }),
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
