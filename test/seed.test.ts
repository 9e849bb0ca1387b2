import { startTestHub, ok, type TestHub } from './helpers/hub';
import { DemoSeeder, DEMO_USERS } from '../src/db/seeders/DemoSeeder';

describe('demo data (npm run seed)', () => {
  let t: TestHub;
  let supervisor: string;
  beforeAll(async () => {
    t = await startTestHub();
    await new DemoSeeder(t.hub.deps).run(t.orm.em.fork());
    const demo = DEMO_USERS.find((u) => u.role === 'SUPERVISOR')!;
    supervisor = await t.token('SUPERVISOR', demo.unit);
  });
  afterAll(() => t.close());

  /** Rows of every table of the schema (the audit log included). */
  const rowCounts = async () => {
    const tables = await t.sql<{ name: string }>(
      `select table_name as name from information_schema.tables
        where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`,
    );
    const counts: Record<string, number> = {};
    for (const { name } of tables)
      counts[name] = (await t.sql(`select count(*)::int as n from "${name}"`))[0].n;
    return counts;
  };

  it('loads units, cases at every stage and terminated ones, and running it twice changes nothing', async () => {
    const first = await rowCounts();
    expect(first).toMatchObject({ unit: 9, petition_case: 9 });
    await new DemoSeeder(t.hub.deps).run(t.orm.em.fork());
    expect(await rowCounts()).toEqual(first);
    const statuses = (
      await t.sql(
        `select status::text, count(*)::int as n from petition_case group by status order by status::text`,
      )
    ).map((r) => `${r.status}:${r.n}`);
    expect(statuses).toEqual([
      'IN_PROGRESS:3',
      'TERMINATED:4',
      'TERMINATION_APPLIED:1',
      'TERMINATION_APPROVED:1',
    ]);
    const verify = ok(await t.gql('{ verifyAuditChain { ok } }', {}, supervisor)).verifyAuditChain;
    expect(verify.ok).toBe(true);
  });

  it('the open cases stand where their dates put them, under the statutory periods', async () => {
    const officer = await t.token('CASE_OFFICER', 'ZJ-HZ-ZJ');
    const progress: Record<string, string> = {};
    for (const { id, ref } of await t.sql(
      `select id, external_ref as ref from petition_case where status = 'IN_PROGRESS' order by external_ref`,
    )) {
      const p = ok(
        await t.gql(
          'query($id: ID!) { case(id: $id) { progress { currentStep overdue } } }',
          { id: String(id) },
          officer,
        ),
      ).case.progress;
      progress[ref] = `${p.currentStep}${p.overdue ? ' (overdue)' : ''}`;
    }
    expect(progress).toEqual({
      'DEMO-01': 'HANDLING (overdue)',
      'DEMO-02': 'AWAITING_REVIEW_REQUEST',
      'DEMO-03': 'PROCEDURE_COMPLETE',
    });
  });

  it('every inspection query shows something to the demo supervisor', async () => {
    const d = ok(
      await t.gql(
        `{
          inspectionOverdueVisits { totalCount }
          inspectionIncompleteArchives { totalCount }
          inspectionStaleTracking { totalCount }
          inspectionOpenEscalations { totalCount }
          inspectionLookupActivity { totalCount }
          overdueRectifications { totalCount }
          inspections { totalCount }
          rectificationOrders { totalCount }
          accountabilityRecords { totalCount }
          accountabilityStatistics { total }
          publicFeedbackList { totalCount }
          auditLog(first: 1) { totalCount }
          terminatedCases(first: 1) { totalCount }
          followUpStatistics {
            terminatedCases
            visits { done doneLate overdue }
            archives { complete incomplete }
            tracking { staleCases }
            escalations { reported acknowledged resolved open }
            rectifications { issued open overdue verified }
            feedback { received open closed }
          }
          followUpReport { rows { terminatedCases } }
        }`,
        {},
        supervisor,
      ),
    );
    const counts = {
      ...Object.fromEntries(
        Object.entries(d)
          .filter(([, v]) => (v as any).totalCount !== undefined)
          .map(([k, v]) => [k, (v as any).totalCount]),
      ),
      accountabilityStatistics: d.accountabilityStatistics.total,
      followUpReportRowsWithCases: d.followUpReport.rows.filter((r: any) => r.terminatedCases > 0).length,
    };
    for (const [query, n] of Object.entries(counts)) expect([query, n > 0]).toEqual([query, true]);
    const flat = (o: Record<string, unknown>, at = ''): [string, unknown][] =>
      Object.entries(o).flatMap(([k, v]) =>
        v && typeof v === 'object' ? flat(v as Record<string, unknown>, `${at}${k}.`) : [[`${at}${k}`, v]],
      );
    for (const [figure, n] of flat(d.followUpStatistics))
      expect([figure, (n as number) > 0]).toEqual([figure, true]);
  });

  it('the demo users it prints are accepted', async () => {
    for (const u of DEMO_USERS) {
      const me = ok(await t.gql('{ me { role unit { code } } }', {}, await t.token(u.role, u.unit))).me;
      expect(me).toEqual({ role: u.role, unit: { code: u.unit } });
    }
  });
});
