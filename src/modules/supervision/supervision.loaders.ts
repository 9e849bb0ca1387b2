import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Context } from '../../graphql/context';
import { byKey, groupBy } from '../../graphql/loaders';
import {
  AccountabilityRecord,
  Inspection,
  InspectionFinding,
  RectificationOrder,
} from './supervision.entity';

function create(ctx: Pick<Context, 'em' | 'actor' | 'services'>) {
  const { em } = ctx;
  const ids = (keys: readonly number[]) => ({ $in: [...keys] });
  const readable = (orders: RectificationOrder[]) =>
    ctx.services.supervision.inspections.readableOrders(ctx.actor, orders);
  return {
    inspection: new DataLoader<number, Inspection | null>(async (keys) =>
      byKey(keys, await em.find(Inspection, { id: ids(keys) }), (i) => i.id),
    ),
    finding: new DataLoader<number, InspectionFinding | null>(async (keys) =>
      byKey(keys, await em.find(InspectionFinding, { id: ids(keys) }), (f) => f.id),
    ),
    /** Orders the actor may read (InspectionService.readableOrders); others come back null. */
    order: new DataLoader<number, RectificationOrder | null>(async (keys) =>
      byKey(keys, await readable(await em.find(RectificationOrder, { id: ids(keys) })), (o) => o.id),
    ),
    findingsByInspection: new DataLoader<number, InspectionFinding[]>(async (keys) =>
      groupBy(
        keys,
        await em.find(InspectionFinding, { inspection: ids(keys) }, { orderBy: { id: 'asc' } }),
        (f) => f.inspection.id,
      ),
    ),
    /** A finding's orders that the actor may read. */
    ordersByFinding: new DataLoader<number, RectificationOrder[]>(async (keys) =>
      groupBy(
        keys,
        await readable(await em.find(RectificationOrder, { finding: ids(keys) }, { orderBy: { id: 'asc' } })),
        (o) => o.finding.id,
      ),
    ),
    accountabilityByFinding: new DataLoader<number, AccountabilityRecord[]>(async (keys) =>
      groupBy(
        keys,
        await ctx.services.supervision.accountability.forFindings(ctx.actor, keys),
        (r: AccountabilityRecord) => r.finding.id,
      ),
    ),
  };
}
export type SupervisionLoaders = ReturnType<typeof create>;

const perRequest = new WeakMap<EntityManager, SupervisionLoaders>();

/**
 * The supervision module's loaders for this request (one query per relation per request, whatever
 * the list size), keyed by the request's own EntityManager like the follow-up module's: nothing is
 * shared across requests or users. Units go through the shared loaders (graphql/loaders.ts).
 */
export function supervisionLoaders(ctx: Pick<Context, 'em' | 'actor' | 'services'>): SupervisionLoaders {
  let l = perRequest.get(ctx.em);
  if (!l) {
    l = create(ctx);
    perRequest.set(ctx.em, l);
  }
  return l;
}
