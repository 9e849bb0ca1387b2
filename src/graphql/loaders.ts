import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Unit } from '../modules/org/unit.entity';
import { Petitioner } from '../modules/petitioner/petitioner.entity';
import { CaseStep } from '../modules/case/case.entity';
import { TerminationApplication } from '../modules/termination/termination.entity';

/** Groups rows by a key, in the order of `keys`, for DataLoader batch functions. */
function groupBy<K, V>(keys: readonly K[], rows: V[], keyOf: (v: V) => K): V[][] {
  const map = new Map<K, V[]>(keys.map((k) => [k, []]));
  for (const r of rows) map.get(keyOf(r))?.push(r);
  return keys.map((k) => map.get(k)!);
}
function byKey<K, V>(keys: readonly K[], rows: V[], keyOf: (v: V) => K): (V | null)[] {
  const map = new Map<K, V>(rows.map((r) => [keyOf(r), r]));
  return keys.map((k) => map.get(k) ?? null);
}

/**
 * Per-request loaders: one query per relation per page, whatever the page size. Created per
 * request, so nothing is cached across users.
 */
export function createLoaders(em: EntityManager) {
  return {
    unit: new DataLoader<number, Unit | null>(async (ids) =>
      byKey(ids, await em.find(Unit, { id: { $in: [...ids] } }), (u) => u.id),
    ),
    /** Nearest PETITION_AGENCY strictly above each unit: the examining agency of its cases. */
    examiningAgencyId: new DataLoader<number, number | null>(async (ids) => {
      const rows = await em.execute<{ unit_id: number; agency_id: number }[]>(
        `select distinct on (u.id) u.id as unit_id, p.id as agency_id
           from unit u join unit p on p.path @> u.path and p.id <> u.id and p.kind = 'PETITION_AGENCY'
          where u.id = any(?::int[]) order by u.id, nlevel(p.path) desc`,
        [`{${ids.join(',')}}`], // knex would expand a JS array into a list
      );
      const map = new Map(rows.map((r) => [r.unit_id, r.agency_id]));
      return ids.map((id) => map.get(id) ?? null);
    }),
    petitioner: new DataLoader<number, Petitioner | null>(async (ids) =>
      byKey(ids, await em.find(Petitioner, { id: { $in: [...ids] } }), (p) => p.id),
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
    applications: new DataLoader<number, TerminationApplication[]>(async (caseIds) =>
      groupBy(
        caseIds,
        await em.find(TerminationApplication, { case: { $in: [...caseIds] } }, { orderBy: { id: 'asc' } }),
        (a) => a.case.id,
      ),
    ),
  };
}
export type Loaders = ReturnType<typeof createLoaders>;
