import { startTestHub, type TestHub } from './helpers/hub';
import { loadDemoUnits } from './helpers/fixtures';
let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
  await loadDemoUnits(t);
});
afterAll(() => t.close());
it('measures', async () => {
  const tok = await t.token('DEPARTMENT_STAFF', 'ZJ-HZ-RS');
  for (const [q, v] of [
    [
      'query($s:[EscalationStatus!]){ escalationInbox(statuses:$s){ totalCount } }',
      { s: Array(5000).fill('NOPE') },
    ],
    [
      'mutation($i: CreateInspectionInput!){ createInspection(input:$i){ id } }',
      {
        i: {
          title: 'x',
          scopeUnitCode: 'ZJ',
          periodFrom: '2026-01-01',
          periodTo: '2026-02-01',
          inspectors: Array(2000).fill(null),
        },
      },
    ],
  ] as const) {
    const s = Date.now();
    const r = await t.gql(q, v as any, tok);
    console.log(
      Date.now() - s,
      'ms',
      r.status,
      r.errors?.length,
      JSON.stringify(r.errors?.slice(-1)).slice(0, 300),
    );
  }
});
