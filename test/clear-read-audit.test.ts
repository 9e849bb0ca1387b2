import { startTestHub, ok, type TestHub } from './helpers/hub';
import { loadDemoUnits, terminatedCase } from './helpers/fixtures';
import { ASSIGN_FEEDBACK, RECORD_FEEDBACK, at } from './helpers/supervision';
import { verifyAuditChain } from '../src/modules/audit/audit.verify';

/**
 * The one audited clear-read path (DESIGN.md §3, src/access/clear-reads.ts): a petitioner's fields,
 * officer text and a feedback submitter read in clear are audited the same way, once per request,
 * and when the audit entry cannot be written no clear value leaves: the whole answer is an error.
 */
let t: TestHub;
let officer: string;
let staff: string;
let caseId: string;
let feedbackId: string;
const SUBMITTER = { name: '林晓燕', phone: '13912345678' };

const CASE = `query($id: ID!) { terminatedCase(id: $id) { id petitioner { clear name idNumber phone address } } }`;
const FEEDBACK = `query($id: ID!) { publicFeedback(id: $id) { id clear submitterName submitterPhone } }`;
const BOTH = `query($c: ID!, $f: ID!) {
  terminatedCase(id: $c) { petitioner { clear name phone } }
  publicFeedback(id: $f) { clear submitterName submitterPhone } }`;

beforeAll(async () => {
  t = await startTestHub();
  await loadDemoUnits(t);
  officer = await t.token('CASE_OFFICER', 'ZJ-HZ-ZJ', '王经办');
  staff = await t.token('DEPARTMENT_STAFF', 'ZJ-HZ-RS', '吴科员');
  const supervisor = await t.token('SUPERVISOR', 'ZJ', '郑监督');
  at(t, '2026-06-01');
  caseId = await terminatedCase(t, officer, await t.token('AGENCY_REVIEWER', 'ZJ-HZ', '李审核'));
  at(t, '2026-08-03');
  feedbackId = ok(
    await t.gql(
      RECORD_FEEDBACK,
      {
        input: {
          receivedOn: '2026-08-02',
          channel: 'LETTER',
          submitterName: SUBMITTER.name,
          submitterPhone: SUBMITTER.phone,
          content: '终结后三个月无人回访',
          caseId,
        },
      },
      supervisor,
    ),
  ).recordPublicFeedback.id;
  ok(await t.gql(ASSIGN_FEEDBACK, { id: feedbackId, unit: 'ZJ-HZ-ZJ' }, supervisor));
}, 60_000);
afterAll(() => t?.close());

async function entriesSince(seq: number) {
  return t.sql(
    `select operation, case_id::text as case_id, fields, details from audit_log where seq > $1 order by seq`,
    [seq],
  );
}
const head = async () =>
  (await t.sql(`select coalesce(max(seq), 0)::int as seq from audit_log`))[0].seq as number;

it('audits petitioner and submitter clear reads of one request together, one entry each', async () => {
  const before = await head();
  const data = ok(await t.gql(BOTH, { c: caseId, f: feedbackId }, officer));
  expect(data.terminatedCase.petitioner.clear).toBe(true);
  expect(data.publicFeedback).toEqual({
    clear: true,
    ...{ submitterName: SUBMITTER.name, submitterPhone: SUBMITTER.phone },
  });
  expect(await entriesSince(before)).toEqual([
    { operation: 'petitioner.read.clear', case_id: caseId, fields: ['name', 'phone'], details: null },
    {
      operation: 'feedback.read.clear',
      case_id: null,
      fields: ['submitterName', 'submitterPhone'],
      details: { feedbackId: Number(feedbackId) },
    },
  ]);
});

describe('when the audit log cannot be written', () => {
  let clear: Record<string, string | boolean>;
  beforeAll(async () => {
    clear = ok(await t.gql(CASE, { id: caseId }, officer)).terminatedCase.petitioner;
    await t.sql(`create or replace function test_refuse_audit() returns trigger language plpgsql as $$
      begin raise exception 'audit log unavailable (test)'; end $$`);
    await t.sql(`create trigger test_refuse_audit before insert on audit_log
      for each statement execute function test_refuse_audit()`);
  });
  afterAll(async () => {
    await t.sql(`drop trigger if exists test_refuse_audit on audit_log`);
    await t.sql(`drop function if exists test_refuse_audit()`);
  });

  const withheld = (res: any) => {
    const text = JSON.stringify(res);
    expect(res.data ?? null).toBeNull();
    expect(res.errors?.[0]?.message).toBe('审计日志写入失败，已拒绝返回个人信息');
    return text;
  };

  it("withholds a petitioner's clear values: the answer is an error, no clear value in it", async () => {
    expect(clear.clear).toBe(true);
    const text = withheld(await t.gql(CASE, { id: caseId }, officer));
    for (const v of [clear.name, clear.idNumber, clear.phone, clear.address])
      expect(text).not.toContain(v as string);
  });

  it("withholds a feedback submitter's clear values the same way", async () => {
    const text = withheld(await t.gql(FEEDBACK, { id: feedbackId }, officer));
    expect(text).not.toContain(SUBMITTER.name);
    expect(text).not.toContain(SUBMITTER.phone);
  });

  it('still answers a masked reader, who reads nothing in clear', async () => {
    const p = ok(await t.gql(CASE, { id: caseId }, staff)).terminatedCase.petitioner;
    expect(p.clear).toBe(false);
  });
});

it('leaves an intact chain and nothing staged', async () => {
  expect((await t.sql(`select count(*)::int as n from audit_pending`))[0].n).toBe(0);
  expect(await verifyAuditChain(t.orm.em.fork())).toMatchObject({ ok: true });
});
