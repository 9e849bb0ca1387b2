import { ok, type TestHub } from './helpers/hub';
import { APPLY, APPROVE, caseThroughProcedure, hangzhouHub } from './helpers/fixtures';
import type { Role } from '../src/access/roles';

/**
 * DESIGN.md §3 for the termination application: the officers' free text on it (the statement,
 * the reasons for a return, the explanation given at notification) can name the petitioner, so
 * it is shown, and audited, only to readers who see the petitioner in clear; every other reader
 * of the shared terminated case gets null there, and still the decision itself and the case.
 */
let t: TestHub;
let officer: string;
let reviewer: string;
let caseId: string;
const TEXT = {
  statement: '俞晓梅复核后以同一事实和理由再次提出，符合终结条件',
  returnReasons: '俞晓梅的复核意见送达回证缺失，请补充',
  explanation: '已当面向俞晓梅送达终结告知书并解释',
};

beforeAll(async () => {
  ({ t, officer, reviewer } = await hangzhouHub());
  caseId = await caseThroughProcedure(t, officer, { reReview: true, repeat: true });
  const apply = `mutation($id: ID!) { applyForTermination(caseId: $id, condition: REPEAT_AFTER_RE_REVIEW,
    statement: ${JSON.stringify(TEXT.statement)}) { id statement } }`;
  const first = ok(await t.gql(apply, { id: caseId }, officer)).applyForTermination;
  expect(first.statement).toBe(TEXT.statement);
  const returned = ok(
    await t.gql(
      `mutation($id: ID!, $r: String!) { returnTermination(applicationId: $id, reasons: $r) { id returnReasons } }`,
      { id: first.id, r: TEXT.returnReasons },
      reviewer,
    ),
  ).returnTermination;
  expect(returned.returnReasons).toBe(TEXT.returnReasons);
  const second = ok(await t.gql(apply, { id: caseId }, officer)).applyForTermination;
  ok(await t.gql(APPROVE, { id: second.id }, reviewer));
  const notified = ok(
    await t.gql(
      `mutation($id: ID!, $at: LocalDate!, $e: String!) { notifyTermination(caseId: $id, notifiedAt: $at,
        deliveryMethod: IN_PERSON, explanation: $e) { id notificationExplanation } }`,
      { id: caseId, at: '2026-06-01', e: TEXT.explanation },
      officer,
    ),
  ).notifyTermination;
  expect(notified.notificationExplanation).toBe(TEXT.explanation);
});
afterAll(() => t.close());

const SELECTION = `id termination { id decisionNumber decidedAt notifiedAt examiningUnit { code }
    statement returnReasons notificationExplanation case { id status } }
  terminationApplications { status statement returnReasons notificationExplanation case { id } }`;
const BY_ID = `query($id: ID!) { terminatedCase(id: $id) { ${SELECTION} } }`;
const LIST = `{ terminatedCases(first: 10) { nodes { ${SELECTION} } } }`;

const READERS: { role: Role; unit: string; clear: boolean; why: string }[] = [
  { role: 'CASE_OFFICER', unit: 'ZJ-HZ-ZJ', clear: true, why: "handling unit's officer" },
  { role: 'CASE_OFFICER', unit: 'ZJ-HZ', clear: true, why: 'officer of the unit above' },
  { role: 'AGENCY_REVIEWER', unit: 'ZJ-HZ', clear: true, why: 'examining agency' },
  {
    role: 'DEPARTMENT_STAFF',
    unit: 'ZJ-HZ-ZJ',
    clear: false,
    why: "staff of the handling unit's department",
  },
  { role: 'DEPARTMENT_STAFF', unit: 'ZJ-HZ-RS', clear: false, why: 'staff of another department' },
  { role: 'SUPERVISOR', unit: 'ZJ', clear: false, why: 'supervisor' },
  { role: 'ADMIN', unit: 'ZJ', clear: false, why: 'administrator' },
  { role: 'AGENCY_REVIEWER', unit: 'ZJ', clear: false, why: 'agency above the examining one' },
  { role: 'CASE_OFFICER', unit: 'ZJ-HZ-RS', clear: false, why: 'officer of a sibling unit' },
  { role: 'CASE_OFFICER', unit: 'ZJ-WZ-MZ', clear: false, why: 'officer of another city' },
];

async function clearReads(userId: string): Promise<string[]> {
  const rows = await t.sql(
    `select fields from audit_log where operation = 'petitioner.read.clear' and user_id = $1 and case_id = $2`,
    [userId, caseId],
  );
  return [...new Set(rows.flatMap((r) => r.fields as string[]))].sort();
}

describe('officers’ text on the termination application', () => {
  for (const r of READERS) {
    it(`${r.role} @ ${r.unit} (${r.why}): ${r.clear ? 'clear and audited' : 'null'}; the decision and the case show`, async () => {
      const name = `读者-${r.role}-${r.unit}`;
      const token = await t.token(r.role, r.unit, name);
      for (const [query, pick] of [
        [BY_ID, (d: any) => d.terminatedCase],
        [LIST, (d: any) => d.terminatedCases.nodes.find((n: any) => n.id === caseId)],
      ] as const) {
        const res = await t.gql(query, { id: caseId }, token);
        expect(res.errors).toBeUndefined();
        const c = pick(res.data);
        expect(c.termination).toMatchObject({
          decisionNumber: expect.stringMatching(/\S/),
          decidedAt: '2026-06-01',
          notifiedAt: '2026-06-01',
          examiningUnit: { code: 'ZJ-HZ' },
          case: { id: caseId, status: 'TERMINATED' },
        });
        const [returned, approved] = c.terminationApplications;
        expect([returned.status, approved.status]).toEqual(['RETURNED', 'APPROVED']);
        expect(returned.case).toEqual({ id: caseId });
        if (r.clear) {
          expect(c.termination).toMatchObject({
            statement: TEXT.statement,
            returnReasons: null, // the approved application was not returned
            notificationExplanation: TEXT.explanation,
          });
          expect(returned).toMatchObject({ statement: TEXT.statement, returnReasons: TEXT.returnReasons });
        } else {
          expect(c.termination).toMatchObject({
            statement: null,
            returnReasons: null,
            notificationExplanation: null,
          });
          expect(returned).toMatchObject({
            statement: null,
            returnReasons: null,
            notificationExplanation: null,
          });
          expect(JSON.stringify(res)).not.toContain('俞晓梅');
        }
      }
      const userId = (await t.sql(`select user_id from audit_log where user_name = $1 limit 1`, [name]))[0]
        ?.user_id;
      if (r.clear)
        expect(await clearReads(userId)).toEqual([
          'terminationApplication.notificationExplanation',
          'terminationApplication.returnReasons',
          'terminationApplication.statement',
        ]);
      else if (userId) expect(await clearReads(userId)).toEqual([]);
    });
  }
});

describe('the application’s case outside the reader’s jurisdiction', () => {
  it('is null, and the rest of the list still shows', async () => {
    // A case applied for at a unit that then moves to another city: its application still waits
    // for the agency it was filed with, whose jurisdiction no longer covers the case.
    const admin = await t.token('ADMIN', 'ZJ');
    ok(
      await t.gql(
        `mutation { createUnit(input: { code: "ZJ-HZ-TMP", name: "临时单位", kind: DEPARTMENT, parentCode: "ZJ-HZ" }) { code } }`,
        {},
        admin,
      ),
    );
    const tmpOfficer = await t.token('CASE_OFFICER', 'ZJ-HZ-TMP');
    const moving = await caseThroughProcedure(t, tmpOfficer, { reReview: true, repeat: true });
    ok(await t.gql(APPLY, { id: moving, c: 'REPEAT_AFTER_RE_REVIEW' }, tmpOfficer));
    const staying = await caseThroughProcedure(t, officer, { reReview: true, repeat: true });
    ok(await t.gql(APPLY, { id: staying, c: 'REPEAT_AFTER_RE_REVIEW' }, officer));
    ok(await t.gql(`mutation { moveUnit(code: "ZJ-HZ-TMP", newParentCode: "ZJ-WZ") { code } }`, {}, admin));

    const res = await t.gql(
      `{ pendingTerminationApplications { id statement examiningUnit { code } case { id } } }`,
      {},
      reviewer,
    );
    expect(res.errors).toBeUndefined();
    const list = res.data!.pendingTerminationApplications;
    expect(list).toHaveLength(2);
    expect(list.find((a: any) => a.case === null)).toMatchObject({
      statement: null,
      examiningUnit: { code: 'ZJ-HZ' },
    });
    expect(list.find((a: any) => a.case?.id === staying)).toMatchObject({
      statement: '符合终结条件',
      examiningUnit: { code: 'ZJ-HZ' },
    });
  });
});
