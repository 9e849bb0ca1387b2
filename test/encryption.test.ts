import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { startTestHub, ok, type TestHub } from './helpers/hub';
import { REGISTER, caseInput, loadDemoUnits, newIdNumber, hangzhouHub } from './helpers/fixtures';

const key = (byte: number) => Buffer.alloc(32, byte).toString('base64');
const K1 = `k1:${key(1)}`;
const K2 = `k2:${key(2)}`;
const ROOT = path.resolve(__dirname, '..');
const CASE = `query($id: ID!) { case(id: $id) { petitioner { clear name idNumber phone address } } }`;

/** `keys:reencrypt` on the database, with K1 and K2 configured (K2 current). */
const reencrypt = (databaseUrl: string) =>
  spawnSync('node', ['-r', '@swc-node/register', 'src/cli/reencrypt.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      DATABASE_URL: databaseUrl,
      PERSONAL_DATA_KEYS: `${K1},${K2}`,
      LOG_LEVEL: 'silent',
    },
    encoding: 'utf8',
  });

describe('personal data at rest', () => {
  let t: TestHub;
  const person = {
    name: '欧阳晓峰',
    idNumber: newIdNumber('19720809'),
    phone: '13757123456',
    address: '浙江省杭州市滨江区长河街道江南大道288号5幢1802室',
  };
  let caseId: string;
  beforeAll(async () => {
    t = await startTestHub({ PERSONAL_DATA_KEYS: K1 });
    await loadDemoUnits(t);
    caseId = ok(
      await t.gql(REGISTER, { input: caseInput({}, person) }, await t.token('CASE_OFFICER', 'ZJ-HZ-ZJ')),
    ).registerCase.id;
  });
  afterAll(() => t.close());

  it('a plain SQL read of the petitioner table shows none of the values written', async () => {
    // One row per person; the personal data sits, sealed, on each case as registered there.
    expect(Object.keys((await t.sql('select * from petitioner'))[0]).sort()).toEqual([
      'created_at',
      'id',
      'id_number_bidx',
    ]);
    const rows = await t.sql(
      `select row_to_json(c) as row, petitioner_name_enc as name_enc, petitioner_key_id as key_id from petition_case c`,
    );
    const dump = JSON.stringify(rows);
    const ascii = person.idNumber.slice(0, 17);
    for (const v of [
      person.name,
      person.idNumber,
      ascii,
      person.phone,
      person.address,
      '滨江区',
      person.phone.slice(3),
    ]) {
      expect(dump).not.toContain(v);
    }
    expect(rows[0].name_enc).toMatch(/^v1\.k1\./);
    expect(rows[0].key_id).toBe('k1');
  });

  it('rows written under key 1 stay readable after key 2 is added, and the re-encryption command moves them', async () => {
    const both = await startTestHub({ PERSONAL_DATA_KEYS: `${K1},${K2}` }, { databaseUrl: t.databaseUrl });
    try {
      const officer = await both.token('CASE_OFFICER', 'ZJ-HZ-ZJ');
      expect(ok(await both.gql(CASE, { id: caseId }, officer)).case.petitioner).toEqual({
        clear: true,
        ...person,
      });
      // A new registration is sealed under the newest key.
      ok(await both.gql(REGISTER, { input: caseInput({}, { idNumber: newIdNumber('19800808') }) }, officer));
      expect(
        await both.sql(
          `select petitioner_key_id as key_id, count(*)::int as n from petition_case group by 1 order by 1`,
        ),
      ).toEqual([
        { key_id: 'k1', n: 1 },
        { key_id: 'k2', n: 1 },
      ]);

      const run = reencrypt(t.databaseUrl);
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      expect(run.stdout).toContain('重新加密 1 名');
      const rows = await both.sql(
        `select petitioner_key_id as key_id, petitioner_name_enc as name_enc, petitioner_id_number_enc as id_number_enc,
                petitioner_phone_enc as phone_enc, petitioner_address_enc as address_enc from petition_case`,
      );
      for (const r of rows) {
        expect(r.key_id).toBe('k2');
        for (const c of ['name_enc', 'id_number_enc', 'phone_enc', 'address_enc'])
          expect(r[c]).toMatch(/^v1\.k2\./);
      }
    } finally {
      await both.close();
    }
    // Key 1 can now be retired: a hub with key 2 alone reads everything.
    const only2 = await startTestHub({ PERSONAL_DATA_KEYS: K2 }, { databaseUrl: t.databaseUrl });
    try {
      const officer = await only2.token('CASE_OFFICER', 'ZJ-HZ-ZJ');
      expect(ok(await only2.gql(CASE, { id: caseId }, officer)).case.petitioner).toEqual({
        clear: true,
        ...person,
      });
    } finally {
      await only2.close();
    }
  });
});

// Imports of the follow-up key-rotation tests below (hoisted like any import).
import { terminatedCase } from './helpers/fixtures';
import { RESOLVE, download, withEveryFollowUpText } from './helpers/followup';
import { loadConfig } from '../src/config';
import { createDeps } from '../src/services';
import { resealFollowUp } from '../src/modules/followup/reseal';
import { verifyAuditChain } from '../src/modules/audit/audit.verify';

describe('key rotation covers the follow-up records (officers’ text and uploaded files)', () => {
  const TEXT = {
    doc: '信访人身份证复印件：欧阳晓峰 330106197208091234',
    reason: '更正：补充欧阳晓峰的户籍信息',
    fileName: '欧阳晓峰身份证.pdf',
    opinions: '欧阳晓峰表示仍对赔偿金额不满',
    situation: '欧阳晓峰近期失业，情绪低落',
    tracking: '欧阳晓峰在业主群中扬言再次上访',
    escalation: '欧阳晓峰提出车库渗水赔偿的新诉求',
    ack: '已签收，约谈欧阳晓峰',
    resolve: '已答复欧阳晓峰，按原渠道处理',
  };
  // Bytes that are not valid UTF-8, so a text round trip anywhere would show.
  const FILE = Buffer.concat([Buffer.from('%PDF-1.7 欧阳晓峰 '), Buffer.from([0, 255, 254, 128, 10])]);
  const READ = `query($id: ID!) { followUp(caseId: $id) {
    archive { documents { current { text correctionReason clear file { id name sha256 } }
      versions { version text correctionReason } } }
    returnVisits { opinions situation clear }
    trackingRecords { situation clear }
    escalationReports { description measuresTaken acknowledgeMeasures resolveMeasures clear } } }`;
  const SEALED = [
    ['return_visit', 'notes_enc'],
    ['tracking_record', 'notes_enc'],
    ['escalation_report', 'report_enc'],
    ['escalation_report', 'acknowledge_enc'],
    ['escalation_report', 'resolve_enc'],
    ['archive_document_version', 'text_enc'],
    ['archive_document_version', 'reason_enc'],
    ['stored_file', 'name_enc'],
  ] as const;
  let t: TestHub;
  let caseId: string;
  let fileId: string;

  async function sealedKeyIds(): Promise<string[]> {
    const ids = new Set<string>();
    for (const [table, column] of SEALED) {
      const rows = await t.sql(
        `select split_part(${column}, '.', 2) as k from ${table} where ${column} is not null`,
      );
      expect(rows.length).toBeGreaterThan(0);
      for (const r of rows) ids.add(`${table}.${column}:${r.k}`);
    }
    for (const r of await t.sql('select key_id from stored_file')) ids.add(`stored_file.content:${r.key_id}`);
    return [...ids].sort();
  }

  beforeAll(async () => {
    let officer: string, reviewer: string;
    ({ t, officer, reviewer } = await hangzhouHub({ PERSONAL_DATA_KEYS: K1 }));
    caseId = await terminatedCase(t, officer, reviewer);
    let reportId: string;
    ({ fileId, reportId } = await withEveryFollowUpText(t, officer, reviewer, caseId, TEXT, FILE));
    ok(await t.gql(RESOLVE, { input: { reportId, outcome: 'HANDLED', measures: TEXT.resolve } }, reviewer));
  });
  afterAll(() => t.close());

  it('after the re-encryption command, a hub with only the new key reads every text and downloads the file intact', async () => {
    expect((await sealedKeyIds()).every((k) => k.endsWith(':k1'))).toBe(true);
    const run = reencrypt(t.databaseUrl);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    for (const [table, rows] of [
      ['return_visit', 1],
      ['tracking_record', 1],
      ['escalation_report', 1],
      ['archive_document_version', 2],
      ['stored_file', 1],
    ] as const)
      expect(run.stdout).toContain(`${table}: ${rows} rows`);
    expect((await sealedKeyIds()).every((k) => k.endsWith(':k2'))).toBe(true);
    // Archive document versions are still append-only.
    await expect(t.sql(`update archive_document_version set title = 'x'`)).rejects.toThrow(/append-only/);
    // One audit entry per batch, naming the table and the key, never the text.
    const audit = await t.sql(
      `select details from audit_log where operation = 'followup.reseal' order by seq`,
    );
    expect(audit.map((a) => [a.details.table, a.details.rows, a.details.keyId])).toEqual([
      ['return_visit', 1, 'k2'],
      ['tracking_record', 1, 'k2'],
      ['escalation_report', 1, 'k2'],
      ['archive_document_version', 2, 'k2'],
      ['stored_file', 1, 'k2'],
    ]);

    const only2 = await startTestHub({ PERSONAL_DATA_KEYS: K2 }, { databaseUrl: t.databaseUrl });
    try {
      const officer = await only2.token('CASE_OFFICER', 'ZJ-HZ-ZJ', '王经办');
      const f = ok(await only2.gql(READ, { id: caseId }, officer)).followUp;
      const [doc] = f.archive.documents;
      expect(doc.current).toMatchObject({ text: TEXT.doc, correctionReason: TEXT.reason, clear: true });
      expect(doc.current.file).toMatchObject({ id: fileId, name: TEXT.fileName });
      expect(doc.versions.map((v: any) => v.text)).toEqual([TEXT.doc, TEXT.doc]);
      expect(f.returnVisits[0]).toMatchObject({
        opinions: TEXT.opinions,
        situation: TEXT.situation,
        clear: true,
      });
      expect(f.trackingRecords[0]).toMatchObject({ situation: TEXT.tracking, clear: true });
      expect(f.escalationReports[0]).toMatchObject({
        description: TEXT.escalation,
        acknowledgeMeasures: TEXT.ack,
        resolveMeasures: TEXT.resolve,
        clear: true,
      });
      const d = await download(only2, officer, fileId);
      expect(d.status).toBe(200);
      expect(d.bytes.equals(FILE)).toBe(true);
    } finally {
      await only2.close();
    }
  });

  it('re-seals in batches of any size, one audit entry per batch, and a second run finds nothing to do', async () => {
    const K3 = `k3:${key(3)}`;
    const deps = createDeps(
      loadConfig({ NODE_ENV: 'test', DATABASE_URL: t.databaseUrl, PERSONAL_DATA_KEYS: `${K2},${K3}` }),
    );
    const before = (await t.sql(`select max(seq)::int as s from audit_log`))[0].s;
    const counts = await resealFollowUp(t.orm.em.fork(), deps, 1);
    expect(counts).toEqual({
      return_visit: 1,
      tracking_record: 1,
      escalation_report: 1,
      archive_document_version: 2,
      stored_file: 1,
    });
    const entries = await t.sql(
      `select details->>'table' as t, (details->>'rows')::int as n from audit_log
        where operation = 'followup.reseal' and seq > $1 order by seq`,
      [before],
    );
    expect(entries.map((e) => `${e.t}:${e.n}`)).toEqual([
      'return_visit:1',
      'tracking_record:1',
      'escalation_report:1',
      'archive_document_version:1',
      'archive_document_version:1',
      'stored_file:1',
    ]);
    expect((await sealedKeyIds()).every((k) => k.endsWith(':k3'))).toBe(true);
    expect(Object.values(await resealFollowUp(t.orm.em.fork(), deps, 1)).every((n) => n === 0)).toBe(true);
    expect((await verifyAuditChain(t.orm.em.fork())).ok).toBe(true);

    const only3 = await startTestHub({ PERSONAL_DATA_KEYS: K3 }, { databaseUrl: t.databaseUrl });
    try {
      const officer = await only3.token('CASE_OFFICER', 'ZJ-HZ-ZJ', '王经办');
      const f = ok(await only3.gql(READ, { id: caseId }, officer)).followUp;
      expect(f.archive.documents[0].current).toMatchObject({ text: TEXT.doc, correctionReason: TEXT.reason });
      expect(f.archive.documents[0].current.file.name).toBe(TEXT.fileName);
      expect(f.returnVisits[0].opinions).toBe(TEXT.opinions);
      expect(f.escalationReports[0].resolveMeasures).toBe(TEXT.resolve);
      expect((await download(only3, officer, fileId)).bytes.equals(FILE)).toBe(true);
    } finally {
      await only3.close();
    }
  });
});
