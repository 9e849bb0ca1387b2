import { startTestHub, ok, type TestHub } from './helpers/hub';
import { loadDemoUnits, terminatedCase } from './helpers/fixtures';
import { PetitionerService } from '../src/modules/petitioner/petitioner.service';
import { verifyAuditChain } from '../src/modules/audit/audit.verify';

/**
 * The fast read path of the sharing page (issue 11): the unit tree cached per hub and dropped on
 * every change, by whichever instance or tool makes it; the masked petitioner sealed beside the
 * record (and derived for records sealed before); audited clear reads staged and chained in
 * batches, with the chain still complete and verifiable when the response has left.
 */
let a: TestHub;
let b: TestHub;
let officer: string;
let reviewer: string;
const ids: string[] = [];
const person = {
  name: '欧阳晓燕',
  idNumber: '330106198003151004',
  phone: '13712345678',
  address: '浙江省杭州市滨江区长河街道江南大道88号',
};

beforeAll(async () => {
  a = await startTestHub();
  // A second hub on the same database: another instance behind the load balancer.
  b = await startTestHub({}, { databaseUrl: a.databaseUrl });
  await loadDemoUnits(a);
  a.clock.now = new Date('2026-06-01T04:00:00Z');
  officer = await a.token('CASE_OFFICER', 'ZJ-HZ-ZJ', '王经办');
  reviewer = await a.token('AGENCY_REVIEWER', 'ZJ-HZ', '李审核');
  for (let i = 0; i < 3; i++)
    ids.push(await terminatedCase(a, officer, reviewer, { petitioner: person, title: `读取路径事项${i}` }));
});
afterAll(async () => {
  await b?.close();
  await a?.close();
});

const PAGE = `{ terminatedCases(first: 20) { nodes { id title handlingUnit { code name }
  petitioner { clear name idNumber phone address } } } }`;
const ME = `{ me { unit { code name } } }`;

describe('the unit tree cached in each hub', () => {
  it('a rename on one hub is seen by the other, in the page and in the actor', async () => {
    const staffB = await b.token('DEPARTMENT_STAFF', 'ZJ-HZ-ZJ');
    const before = ok(await b.gql(PAGE, {}, staffB)).terminatedCases.nodes;
    expect(before[0].handlingUnit).toEqual({ code: 'ZJ-HZ-ZJ', name: '杭州市住房和城乡建设局' });
    b.queries.length = 0;
    ok(await b.gql(PAGE, {}, staffB));
    // Cached: the page is one statement, no unit look-up for the actor or the handling unit; the
    // user's request budget was leased by the first request (graphql/request-budget.ts), so this
    // one spends it in memory.
    expect(b.queries.filter((q) => !/usage_spend\(|usage_window/.test(q))).toHaveLength(1);
    expect(b.queries).toHaveLength(1);

    const admin = await a.token('ADMIN', 'ZJ');
    ok(
      await a.gql(
        `mutation { renameUnit(code: "ZJ-HZ-ZJ", name: "杭州市住房和城乡建设局（更名）") { name } }`,
        {},
        admin,
      ),
    );
    // The notification is delivered on commit; give it a moment to reach hub B.
    const seen = async () =>
      ok(await b.gql(PAGE, {}, staffB)).terminatedCases.nodes[0].handlingUnit.name as string;
    for (let i = 0; i < 50 && (await seen()) !== '杭州市住房和城乡建设局（更名）'; i++)
      await new Promise((r) => setTimeout(r, 20));
    expect(await seen()).toBe('杭州市住房和城乡建设局（更名）');
    expect(ok(await b.gql(ME, {}, staffB)).me.unit.name).toBe('杭州市住房和城乡建设局（更名）');
  });

  it('a change made outside any hub (plain SQL) is seen by both', async () => {
    await a.sql(`update unit set name = '杭州市住建局' where code = 'ZJ-HZ-ZJ'`);
    const staff = await a.token('DEPARTMENT_STAFF', 'ZJ-HZ-ZJ');
    for (const hub of [a, b]) {
      let name = '';
      for (let i = 0; i < 50; i++) {
        name = ok(await hub.gql(PAGE, {}, staff)).terminatedCases.nodes[0].handlingUnit.name;
        if (name === '杭州市住建局') break;
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(name).toBe('杭州市住建局');
    }
  });

  it('a unit created a moment ago is known to a token of it at once (a miss reloads)', async () => {
    const admin = await a.token('ADMIN', 'ZJ');
    ok(
      await a.gql(
        `mutation { createUnit(input: { code: "ZJ-HZ-NEW", name: "新设部门", kind: DEPARTMENT, parentCode: "ZJ-HZ" }) { code } }`,
        {},
        admin,
      ),
    );
    const fresh = await b.token('DEPARTMENT_STAFF', 'ZJ-HZ-NEW');
    expect(ok(await b.gql(ME, {}, fresh)).me.unit.code).toBe('ZJ-HZ-NEW');
  });
});

describe('masked petitioner forms sealed with the record', () => {
  it('a masked reader gets the masked forms, for records sealed before they existed too', async () => {
    const staff = await a.token('DEPARTMENT_STAFF', 'ZJ-WZ-MZ');
    const masked = {
      clear: false,
      name: '欧***',
      idNumber: '330106********1004',
      phone: '137****5678',
      address: '浙江省杭州市滨江区****',
    };
    const read = async () =>
      (ok(await a.gql(PAGE, {}, staff)).terminatedCases.nodes as any[]).filter((n) => ids.includes(n.id));
    expect((await read()).map((n) => n.petitioner)).toEqual([masked, masked, masked]);
    // A dump shows ciphertext only, masked forms included.
    const [row] = await a.sql(`select petitioner_masked_enc from petition_case where id = $1`, [ids[0]]);
    expect(row.petitioner_masked_enc).toMatch(/^v1\.\w+\./);
    expect(row.petitioner_masked_enc).not.toContain('滨江');

    // Records sealed before the masked forms were kept: opened and masked on read, the same answer.
    await a.sql(`update petition_case set petitioner_masked_enc = null where id = any($1::int[])`, [ids]);
    expect((await read()).map((n) => n.petitioner)).toEqual([masked, masked, masked]);
    expect(await new PetitionerService(a.orm.em.fork(), a.hub.deps).deriveMissingMasks(2)).toBe(3);
    const rows = await a.sql(
      `select count(*)::int as n from petition_case where petitioner_masked_enc is null`,
    );
    expect(rows[0].n).toBe(0);
    expect((await read()).map((n) => n.petitioner)).toEqual([masked, masked, masked]);

    // The sharing page's search text, for cases written before it was kept: derived by the same
    // pass; until then such a case matches no text filter.
    const byText = async () =>
      ok(await a.gql(`{ terminatedCases(filter: { text: "读取路径" }) { totalCount } }`, {}, staff))
        .terminatedCases.totalCount;
    expect(await byText()).toBe(3);
    await a.sql(`update petition_case set search_text = null where id = any($1::int[])`, [ids]);
    expect(await byText()).toBe(0);
    expect(await new PetitionerService(a.orm.em.fork(), a.hub.deps).deriveMissingMasks(2)).toBe(3);
    expect(await byText()).toBe(3);
  });
});

describe('audited clear reads, staged and chained in batches', () => {
  it('concurrent clear reads on two hubs leave one complete, verifiable chain', async () => {
    const before = (
      await a.sql(`select count(*)::int as n from audit_log where operation = 'petitioner.read.clear'`)
    )[0].n;
    const readers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => a.token('CASE_OFFICER', 'ZJ-HZ-ZJ', `经办${i}`)),
    );
    const pages = await Promise.all(
      readers.flatMap((tok, i) => [0, 1].map(() => (i % 2 ? b : a).gql(PAGE, {}, tok))),
    );
    for (const p of pages) {
      const mine = (ok(p).terminatedCases.nodes as any[]).filter((n) => ids.includes(n.id));
      expect(mine.map((n) => n.petitioner)).toEqual(mine.map(() => ({ clear: true, ...person })));
    }
    // Every read is in the chain by the time its response arrived: nothing left staged.
    const after = (
      await a.sql(`select count(*)::int as n from audit_log where operation = 'petitioner.read.clear'`)
    )[0].n;
    expect(after - before).toBe(20 * ids.length);
    expect((await a.sql(`select count(*)::int as n from audit_pending`))[0].n).toBe(0);
    const seqs = (await a.sql(`select seq::int as seq from audit_log order by seq`)).map((r) => r.seq);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    expect(await verifyAuditChain(a.orm.em.fork())).toMatchObject({ ok: true });
  });

  it('an entry left staged (a crash between staging and chaining) is chained before the log is verified', async () => {
    await a.sql(
      `insert into audit_pending (at, user_id, operation, case_id, fields)
                 values (now(), 'test:crashed', 'petitioner.read.clear', $1, '{name}')`,
      [ids[0]],
    );
    const supervisor = await a.token('SUPERVISOR', 'ZJ');
    const v = ok(await a.gql(`{ verifyAuditChain { ok lastSeq } }`, {}, supervisor)).verifyAuditChain;
    expect(v.ok).toBe(true);
    const [last] = await a.sql(`select user_id, seq::int as seq from audit_log order by seq desc limit 1`);
    expect(last).toEqual({ user_id: 'test:crashed', seq: v.lastSeq });
    // …and once chained, an edit is caught like any other.
    await a.sql('alter table audit_log disable trigger audit_log_append_only');
    await a.sql(`update audit_log set user_id = 'someone-else' where seq = $1`, [v.lastSeq]);
    await a.sql('alter table audit_log enable trigger audit_log_append_only');
    expect(await verifyAuditChain(a.orm.em.fork())).toMatchObject({
      ok: false,
      firstBroken: { seq: v.lastSeq },
    });
  });
});
