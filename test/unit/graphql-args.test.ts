import 'reflect-metadata';
import { PAGE_MAX } from '../../src/shared/graphql-args';
import { PAGE_MAX as PAGING_PAGE_MAX } from '../../src/shared/paging';
import { baseSchema } from '../../src/graphql/schema';

/**
 * The shared argument blocks (shared/graphql-args.ts) state the page cap the services check, and
 * every supervision list that pages declares `first` and `after` exactly once, from PageArgs.
 */
describe('shared GraphQL arguments', () => {
  it('PageArgs states the cap the services check (shared/paging.ts)', () => {
    expect(PAGE_MAX).toBe(PAGING_PAGE_MAX);
  });

  it('first: Int! = 20 with the cap, after: String on every supervision list', () => {
    const query = baseSchema().getQueryType()!.getFields();
    const lists = [
      'inspectionOverdueVisits',
      'inspectionIncompleteArchives',
      'inspectionStaleTracking',
      'inspectionOpenEscalations',
      'inspectionLookupActivity',
      'overdueRectifications',
      'inspections',
      'rectificationOrders',
      'accountabilityRecords',
      'publicFeedbackList',
    ];
    for (const name of lists) {
      const args = Object.fromEntries(query[name].args.map((a) => [a.name, a]));
      expect([name, String(args.first.type), args.first.defaultValue, args.first.description]).toEqual([
        name,
        'Int!',
        20,
        `每页条数（1–${PAGING_PAGE_MAX}）`,
      ]);
      expect([name, String(args.after.type), args.after.description]).toEqual([
        name,
        'String',
        '上一页的 endCursor',
      ]);
    }
  });
});
