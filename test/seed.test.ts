import { startTestHub, ok, type TestHub } from './helpers/hub';
import { DemoSeeder, DEMO_USERS } from '../src/db/seeders/DemoSeeder';

describe('demo data (npm run seed)', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub();
  });
  afterAll(() => t.close());

  const counts = async () =>
    (
      await t.sql(`select (select count(*) from unit)::int as units, (select count(*) from petition_case)::int as cases,
                         (select count(*) from case_step)::int as steps, (select count(*) from termination_application)::int as apps`)
    )[0];

  it('loads units and a case at every stage, and running it twice changes nothing', async () => {
    await new DemoSeeder(t.hub.deps).run(t.orm.em.fork());
    const first = await counts();
    expect(first).toMatchObject({ units: 9, cases: 6 });
    await new DemoSeeder(t.hub.deps).run(t.orm.em.fork());
    expect(await counts()).toEqual(first);
    const statuses = (
      await t.sql(
        `select status::text, count(*)::int as n from petition_case group by status order by status::text`,
      )
    ).map((r) => `${r.status}:${r.n}`);
    expect(statuses).toEqual([
      'IN_PROGRESS:3',
      'TERMINATED:1',
      'TERMINATION_APPLIED:1',
      'TERMINATION_APPROVED:1',
    ]);
  });

  it('the demo users it prints are accepted', async () => {
    for (const u of DEMO_USERS) {
      const me = ok(await t.gql('{ me { role unit { code } } }', {}, await t.token(u.role, u.unit))).me;
      expect(me).toEqual({ role: u.role, unit: { code: u.unit } });
    }
  });
});
