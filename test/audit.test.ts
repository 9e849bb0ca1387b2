import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { Client } from 'pg';
import { startTestHub, ok, errorOf, type TestHub } from './helpers/hub';
import { AuditService, type AuditEntry } from '../src/modules/audit/audit.service';
import { GENESIS_HASH, chainHash, verifyAuditChain } from '../src/modules/audit/audit.verify';

const actor = { userId: 'officer-1', name: '张办', role: 'CASE_OFFICER', unitCode: 'ROOT' };
const BIDX = 'ab'.repeat(32);

const entry = (i: number, extra: Partial<AuditEntry> = {}): AuditEntry => ({
  actor,
  operation: 'case.read.clear',
  caseId: i,
  petitionerId: 1000 + i,
  fields: ['name', 'idNumber'],
  details: { idNumberBidx: BIDX, n: i },
  ...extra,
});

/** Quotes, placeholders and escapes that must reach the database unchanged. */
const TRICKY = `核查重复信访？需核对身份 "引号" 'apostrophe' ? ?? $1 \\ 反斜杠\n换行`;

const auditOf = (t: TestHub) => new AuditService(t.orm.em.fork(), () => new Date(t.clock.now));

async function seed(t: TestHub, n: number) {
  for (let i = 1; i <= n; i++) {
    t.clock.now = new Date(Date.UTC(2026, 10, 28, 8, 0, i));
    await auditOf(t).record(entry(i, { reason: `理由 ${i}` }));
  }
}

const rows = (t: TestHub) =>
  t.sql<{ seq: string; prev_hash: string; hash: string; reason: string | null }>(
    'select seq::text as seq, prev_hash, hash, reason from audit_log order by audit_log.seq',
  );

/** What the owner of the table could do: switch the append-only trigger off, then tamper. */
async function asOwner(t: TestHub, sql: string, params: unknown[] = []) {
  await t.sql('alter table audit_log disable trigger audit_log_append_only');
  try {
    await t.sql(sql, params);
  } finally {
    await t.sql('alter table audit_log enable trigger audit_log_append_only');
  }
}

const verify = (t: TestHub, options?: Parameters<typeof verifyAuditChain>[1]) =>
  verifyAuditChain(t.orm.em.fork(), options);

describe('audit log: appending', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub();
  });
  afterAll(() => t.close());

  it('verifies an empty log', async () => {
    expect(await verify(t)).toEqual({ ok: true, checked: 0, lastSeq: null, lastHash: null });
  });

  it('appends a chain that verifies, whatever the details hold', async () => {
    await seed(t, 4);
    t.clock.now = new Date('2026-11-28T09:00:00.123Z');
    await auditOf(t).recordMany([
      entry(5, {
        operation: 'petitioner.reveal',
        reason: TRICKY,
        details: {
          z: 1,
          a: { y: [3, 2, 1], b: null, c: "汉字 😀 ? ?? 'q' $1" },
          n: 0.1,
          big: 1e21,
          neg: -42,
          flag: false,
          when: new Date('2026-01-02T03:04:05.006Z'),
          skipped: undefined,
        },
      }),
      entry(6, {
        operation: 'sharing.checkDuplicate',
        caseId: null,
        petitionerId: null,
        fields: [],
        details: {},
      }),
      {
        actor: { userId: 'system', name: 'system', role: 'SYSTEM', unitCode: '-' },
        operation: 'termination.approve',
      },
    ]);

    const r = await verify(t);
    expect(r).toMatchObject({ ok: true, checked: 7, lastSeq: 7 });
    expect(r.firstBroken).toBeUndefined();

    const all = await rows(t);
    expect(all.map((x) => x.seq)).toEqual(['1', '2', '3', '4', '5', '6', '7']);
    expect(all[0].prev_hash).toBe(GENESIS_HASH);
    for (let i = 1; i < all.length; i++) expect(all[i].prev_hash).toBe(all[i - 1].hash);
    expect(r.lastHash).toBe(all[6].hash);

    const [five] = await t.sql(
      `select at, fields, details, reason, case_id, petitioner_id from audit_log where seq = 5`,
    );
    expect(five.reason).toBe(TRICKY);
    expect(five.details.a.c).toBe("汉字 😀 ? ?? 'q' $1");
    expect(new Date(five.at).toISOString()).toBe('2026-11-28T09:00:00.123Z');
    expect(five.details.when).toBe('2026-01-02T03:04:05.006Z');
    expect(five.details).not.toHaveProperty('skipped');
    const [six] = await t.sql(`select fields, details, case_id from audit_log where seq = 6`);
    expect(six).toEqual({ fields: [], details: {}, case_id: null });
    const [seven] = await t.sql(`select fields, details, reason from audit_log where seq = 7`);
    expect(seven).toEqual({ fields: null, details: null, reason: null });
  });

  it('verifies the same in small batches, and through a plain pg client', async () => {
    const client = new Client({ connectionString: t.databaseUrl });
    await client.connect();
    try {
      const progress: number[] = [];
      const r = await verifyAuditChain(client, { batchSize: 3, onProgress: (n) => progress.push(n) });
      expect(r).toMatchObject({ ok: true, checked: 7 });
      expect(progress).toEqual([3, 6, 7]);
    } finally {
      await client.end();
    }
  });

  it("writes in the caller's transaction: a rolled-back write leaves no entry", async () => {
    const before = (await rows(t)).length;
    const em = t.orm.em.fork();
    const audit = new AuditService(em, () => new Date(t.clock.now));
    await expect(
      em.transactional(async (tem) => {
        await audit.withEm(tem).record(entry(99));
        throw new Error('business rule failed');
      }),
    ).rejects.toThrow('business rule failed');
    expect((await rows(t)).length).toBe(before);

    await em.transactional(async (tem) => {
      const inTx = new AuditService(tem, () => new Date(t.clock.now));
      await inTx.record(entry(100));
      await inTx.record(entry(101));
    });
    expect((await rows(t)).length).toBe(before + 2);
    expect((await verify(t)).ok).toBe(true);
  });

  it('refuses an invalid entry and writes nothing', async () => {
    const before = (await rows(t)).length;
    await expect(auditOf(t).record(entry(1, { operation: '' }))).rejects.toThrow(/operation/);
    await expect(auditOf(t).recordMany([entry(1), entry(1.5)])).rejects.toThrow(/caseId/);
    expect((await rows(t)).length).toBe(before);
  });

  it('keeps the chain gapless and valid under 20 concurrent writers', async () => {
    const before = (await rows(t)).length;
    await Promise.all(
      Array.from({ length: 20 }, async (_, w) => {
        for (let i = 0; i < 3; i++) {
          const audit = auditOf(t); // a fresh fork each time, like separate requests
          if (i === 1) await audit.recordMany([entry(w * 10 + i), entry(w * 10 + i + 100)]);
          else await audit.record(entry(w * 10 + i, { actor: { ...actor, userId: `w${w}` } }));
        }
      }),
    );
    const all = await rows(t);
    expect(all.length).toBe(before + 20 * 4);
    expect(all.map((r) => Number(r.seq))).toEqual(Array.from({ length: all.length }, (_, i) => i + 1));
    expect(await verify(t)).toMatchObject({ ok: true, checked: all.length });
  });

  it('refuses UPDATE, DELETE and TRUNCATE through the trigger', async () => {
    await expect(t.sql(`update audit_log set reason = 'x' where seq = 1`)).rejects.toThrow(/append-only/);
    await expect(t.sql(`delete from audit_log where seq = 1`)).rejects.toThrow(/append-only/);
    await expect(t.sql(`truncate audit_log`)).rejects.toThrow(/append-only/);
    expect((await rows(t))[0].reason).toBe('理由 1');
    expect((await verify(t)).ok).toBe(true);
  });
});

describe('audit log: tampering is detected', () => {
  let t: TestHub;
  beforeEach(async () => {
    t = await startTestHub();
    await seed(t, 6);
    expect((await verify(t)).ok).toBe(true);
  });
  afterEach(() => t.close());

  it('names an edited entry (hash mismatch)', async () => {
    await asOwner(t, `update audit_log set reason = '改过的理由' where seq = 3`);
    const r = await verify(t);
    expect(r.ok).toBe(false);
    expect(r.checked).toBe(2);
    expect(r.firstBroken).toEqual({ seq: 3, problem: '第 3 条记录内容被篡改 (hash mismatch)' });
  });

  it('names an entry whose details, case or time were changed', async () => {
    await asOwner(t, `update audit_log set details = details || '{"n": 40}' where seq = 4`);
    expect((await verify(t)).firstBroken?.seq).toBe(4);
    await asOwner(t, `update audit_log set details = details - 'n' || '{"n": 4}' where seq = 4`); // restored
    expect((await verify(t)).ok).toBe(true);
    await asOwner(t, `update audit_log set at = at + interval '1 microsecond' where seq = 2`);
    expect((await verify(t)).firstBroken).toEqual({
      seq: 2,
      problem: expect.stringContaining('hash mismatch'),
    });
  });

  it('names the entry after a re-hashed edit (broken link)', async () => {
    // The tamperer recomputes the edited entry's own hash; the next entry no longer links to it.
    const [r3] = await t.sql(
      `select seq::text as seq, to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as at,
              user_id, user_name, role, unit_code, operation, case_id::text as case_id,
              petitioner_id::text as petitioner_id, fields, details, prev_hash
         from audit_log where seq = 3`,
    );
    const forged = chainHash(r3.prev_hash, {
      seq: r3.seq,
      at: r3.at,
      userId: r3.user_id,
      userName: r3.user_name,
      role: r3.role,
      unitCode: r3.unit_code,
      operation: r3.operation,
      caseId: r3.case_id,
      petitionerId: r3.petitioner_id,
      fields: r3.fields,
      reason: '改过的理由',
      details: r3.details,
    });
    await asOwner(t, `update audit_log set reason = '改过的理由', hash = $1 where seq = 3`, [forged]);
    const r = await verify(t);
    expect(r.firstBroken?.seq).toBe(4);
    expect(r.firstBroken?.problem).toContain('prev_hash mismatch');
    expect(r.checked).toBe(3);
  });

  it('names the entry after a deleted one (gap)', async () => {
    await asOwner(t, `delete from audit_log where seq = 3`);
    const r = await verify(t);
    expect(r).toMatchObject({ ok: false, checked: 2, lastSeq: 2 });
    expect(r.firstBroken).toEqual({ seq: 4, problem: '第 4 条之前的记录缺失 (gap: expected seq 3)' });
  });

  it('notices a deleted first entry', async () => {
    await asOwner(t, `delete from audit_log where seq = 1`);
    expect((await verify(t)).firstBroken).toEqual({
      seq: 2,
      problem: '第 2 条之前的记录缺失 (gap: expected seq 1)',
    });
  });

  it('notices swapped entries (reordered)', async () => {
    await asOwner(
      t,
      `update audit_log set seq = 1000 where seq = 2;
       update audit_log set seq = 2 where seq = 3;
       update audit_log set seq = 3 where seq = 1000;`,
    );
    const r = await verify(t);
    expect(r.firstBroken?.seq).toBe(2);
    expect(r.firstBroken?.problem).toContain('prev_hash mismatch');
  });

  it('notices a forged entry appended with a wrong link', async () => {
    await asOwner(
      t,
      `insert into audit_log (seq, at, operation, prev_hash, hash) values (7, now(), 'case.read.clear', $1, $1)`,
      ['f'.repeat(64)],
    );
    expect((await verify(t)).firstBroken?.seq).toBe(7);
  });

  it('catches a cut-off tail only with an anchor noted earlier', async () => {
    const head = await verify(t);
    await asOwner(t, `delete from audit_log where seq >= 5`);
    expect((await verify(t)).ok).toBe(true); // the limit of a keyless chain
    const r = await verify(t, { anchors: [{ seq: head.lastSeq!, hash: head.lastHash! }] });
    expect(r.ok).toBe(false);
    expect(r.firstBroken?.seq).toBe(6);
    expect(r.firstBroken?.problem).toContain('anchor missing');
  });

  describe('npm run audit:verify', () => {
    const root = path.resolve(__dirname, '..');
    const cli = (...args: string[]) => {
      const r = spawnSync(
        process.execPath,
        ['-r', '@swc-node/register', 'src/cli/audit-verify.ts', ...args],
        {
          cwd: root,
          env: { ...process.env, DATABASE_URL: t.databaseUrl, NODE_ENV: 'test', LOG_LEVEL: 'silent' },
          encoding: 'utf8',
          timeout: 60_000,
        },
      );
      return { status: r.status, stdout: r.stdout, out: `${r.stdout}${r.stderr}` };
    };

    it('exits 0 when intact and 1 naming the first broken entry', async () => {
      const intact = cli();
      expect(intact.out).toContain('intact');
      expect(intact.status).toBe(0);

      await asOwner(t, `delete from audit_log where seq = 3`);
      const broken = cli();
      expect(broken.status).toBe(1);
      expect(broken.out).toContain('seq 4');
      expect(broken.out).toContain('gap: expected seq 3');

      const json = cli('--json');
      expect(json.status).toBe(1);
      expect(JSON.parse(json.stdout).firstBroken).toEqual({
        seq: 4,
        problem: '第 4 条之前的记录缺失 (gap: expected seq 3)',
      });
    }, 60_000);

    it('exits 1 naming an entry changed by a direct SQL UPDATE', async () => {
      await asOwner(t, `update audit_log set reason = '改过的理由' where seq = 2`);
      const broken = cli();
      expect(broken.status).toBe(1);
      expect(broken.out).toContain('seq 2');
      expect(broken.out).toContain('hash mismatch');
    }, 60_000);

    it('checks anchors and refuses a malformed one', async () => {
      const head = await verify(t);
      expect(cli('--anchor', `${head.lastSeq}:${head.lastHash}`).status).toBe(0);
      expect(cli('--anchor', `${head.lastSeq}:${'0'.repeat(64)}`).status).toBe(1);
      expect(cli('--anchor', 'nonsense').status).toBe(2);
    }, 60_000);
  });
});

/** Runs once the lead registers AuditResolver in src/graphql/schema.ts (with its shield rules). */
describe('audit log over GraphQL (SUPERVISOR only)', () => {
  let t: TestHub;
  let supervisor: string;
  beforeAll(async () => {
    t = await startTestHub();
    await t.sql(
      `insert into unit (code, name, kind, path) values ('ROOT', '省信访局', 'PETITION_AGENCY', '1')`,
    );
    await t.sql(`select setval('unit_id_seq', 1)`);
    supervisor = await t.token('SUPERVISOR', 'ROOT');
    const audit = auditOf(t);
    for (let i = 1; i <= 10; i++) {
      t.clock.now = new Date(Date.UTC(2026, 10, i));
      await audit.record(
        entry(i % 2 ? 7 : 8, {
          actor: { ...actor, userId: i <= 5 ? 'alice' : 'bob' },
          operation: i % 3 ? 'case.read.clear' : 'petitioner.reveal',
        }),
      );
    }
    t.clock.now = new Date(Date.UTC(2026, 10, 20));
    await audit.recordMany(
      Array.from({ length: 205 }, (_, i) => entry(1000 + i, { operation: 'bulk.test' })),
    );
  });
  afterAll(() => t.close());

  const LOG = `query($filter: AuditLogFilter, $first: Int, $after: String) {
    auditLog(filter: $filter, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { cursor node { seq } }
      nodes { seq at userId userName role unitCode operation caseId petitionerId fields reason details hash }
    }
  }`;
  const log = async (variables: Record<string, unknown>) =>
    ok(await t.gql(LOG, variables, supervisor)).auditLog;

  it('verifies the chain', async () => {
    const d = ok(
      await t.gql(
        `{ verifyAuditChain { ok checked firstBrokenSeq problem lastSeq lastHash } }`,
        {},
        supervisor,
      ),
    );
    expect(d.verifyAuditChain).toMatchObject({ ok: true, checked: 215, firstBrokenSeq: null, problem: null });
    await asOwner(t, `update audit_log set reason = 'x' where seq = 9`);
    const broken = ok(await t.gql(`{ verifyAuditChain { ok firstBrokenSeq problem } }`, {}, supervisor));
    expect(broken.verifyAuditChain).toEqual({
      ok: false,
      firstBrokenSeq: 9,
      problem: '第 9 条记录内容被篡改 (hash mismatch)',
    });
    await asOwner(t, `update audit_log set reason = null where seq = 9`);
  });

  it('pages newest first and caps a page at 200', async () => {
    const page = await log({ first: 1000 });
    expect(page.nodes).toHaveLength(200);
    expect(page.nodes[0].seq).toBe(215);
    expect(page.totalCount).toBe(215);
    expect(page.pageInfo.hasNextPage).toBe(true);
    const rest = await log({ first: 1000, after: page.pageInfo.endCursor });
    expect(rest.nodes.map((n: any) => n.seq)).toEqual([15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
    expect(rest.pageInfo.hasNextPage).toBe(false);
    expect((await log({})).nodes).toHaveLength(50);
  });

  it('filters by case, user, operation and time', async () => {
    const seqs = async (filter: Record<string, unknown>) => {
      const page = await log({ filter, first: 200 });
      expect(page.totalCount).toBe(page.nodes.length);
      return page.nodes.map((n: any) => n.seq);
    };
    expect(await seqs({ caseId: '7' })).toEqual([9, 7, 5, 3, 1]);
    expect(await seqs({ userId: 'bob', operation: 'petitioner.reveal' })).toEqual([9, 6]);
    expect(await seqs({ from: '2026-11-03T00:00:00Z', to: '2026-11-05T00:00:00Z' })).toEqual([4, 3]);
    const [first] = (await log({ filter: { caseId: '7' }, first: 1 })).nodes.slice(-1);
    expect(first).toMatchObject({
      userId: 'bob',
      userName: '张办',
      role: 'CASE_OFFICER',
      unitCode: 'ROOT',
      caseId: '7',
      petitionerId: '1007',
      fields: ['name', 'idNumber'],
      details: { idNumberBidx: BIDX, n: 7 },
      at: '2026-11-09T00:00:00.000Z',
    });
    expect(first.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses a bad cursor or case id', async () => {
    expect(errorOf(await t.gql(LOG, { after: 'bogus' }, supervisor)).code).toBe('BAD_USER_INPUT');
    expect(errorOf(await t.gql(LOG, { filter: { caseId: 'x' } }, supervisor)).code).toBe('BAD_USER_INPUT');
  });

  it('is closed to every other role', async () => {
    for (const role of ['ADMIN', 'CASE_OFFICER', 'AGENCY_REVIEWER', 'DEPARTMENT_STAFF'] as const) {
      const token = await t.token(role, 'ROOT');
      expect(errorOf(await t.gql(`{ verifyAuditChain { ok } }`, {}, token)).code).toBe('FORBIDDEN');
      expect(errorOf(await t.gql(`{ auditLog { totalCount } }`, {}, token)).code).toBe('FORBIDDEN');
    }
  });
});
