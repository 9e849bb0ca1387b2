import { startTestHub, ok, errorOf, type TestHub } from './helpers/hub';
import {
  APPLY,
  APPROVE,
  NOTIFY,
  RETURN,
  caseThroughProcedure,
  loadDemoUnits,
  newIdNumber,
} from './helpers/fixtures';
import type { Role } from '../src/access/roles';
import { PERSONAL_DATA_MARK } from '../src/modules/petitioner/personal-data';

/**
 * DESIGN.md §3 as a matrix: for every field that carries personal data (found by walking the
 * schema: its description starts with PERSONAL_DATA_MARK) and every kind of reader, clear or masked. A new
 * personal field without an entry here fails the first test; a rule that opens a field to the
 * wrong reader fails the second.
 */
const EXPECTED_PERSONAL_FIELDS = [
  'Case.goodReason',
  'Case.repeatSubmissionNote',
  'Petitioner.address',
  'Petitioner.idNumber',
  'Petitioner.name',
  'Petitioner.phone',
  'TerminationApplication.notificationExplanation',
  'TerminationApplication.returnReasons',
  'TerminationApplication.statement',
];
/**
 * The follow-up records' officer-written text (archive, visits, tracking, escalations) has its own
 * matrix, over the same readers plus the refusal of every path to departments' staff:
 * test/followup-privacy.test.ts.
 */
const FOLLOWUP_PERSONAL_FIELDS = [
  'ArchiveDocumentVersion.correctionReason',
  'ArchiveDocumentVersion.text',
  'EscalationReport.acknowledgeMeasures',
  'EscalationReport.description',
  'EscalationReport.measuresTaken',
  'EscalationReport.resolveMeasures',
  'ReturnVisit.explanation',
  'ReturnVisit.opinions',
  'ReturnVisit.situation',
  'ReturnVisit.suggestions',
  'StoredFile.name',
  'TrackingRecord.measures',
  'TrackingRecord.situation',
];
/**
 * Supervision: the public-feedback submitter (a member of the public, maybe a petitioner). Clear only
 * to the officers who reply, masked for everyone else, each clear read audited; its matrix is in
 * test/supervision-feedback.test.ts. Everything else the supervision module returns is counts,
 * work records, or cases whose petitioner goes through the fields above.
 */
const SUPERVISION_PERSONAL_FIELDS = ['PublicFeedback.submitterName', 'PublicFeedback.submitterPhone'];

type Expect = 'CLEAR' | 'MASKED';
/** `sees`: the case is inside the reader's jurisdiction (its unit is the handling unit or above). */
const READERS: { role: Role; unit: string; expect: Expect; sees: boolean; why: string }[] = [
  { role: 'CASE_OFFICER', unit: 'ZJ-HZ-ZJ', expect: 'CLEAR', sees: true, why: "handling unit's officer" },
  { role: 'CASE_OFFICER', unit: 'ZJ-HZ', expect: 'CLEAR', sees: true, why: 'officer of the unit above' },
  { role: 'AGENCY_REVIEWER', unit: 'ZJ-HZ', expect: 'CLEAR', sees: true, why: 'examining agency' },
  { role: 'CASE_OFFICER', unit: 'ZJ-WZ-MZ', expect: 'MASKED', sees: false, why: 'officer of another unit' },
  {
    role: 'AGENCY_REVIEWER',
    unit: 'ZJ',
    expect: 'MASKED',
    sees: true,
    why: 'agency above the examining one',
  },
  { role: 'AGENCY_REVIEWER', unit: 'ZJ-WZ', expect: 'MASKED', sees: false, why: 'another city agency' },
  {
    role: 'DEPARTMENT_STAFF',
    unit: 'ZJ-HZ-ZJ',
    expect: 'MASKED',
    sees: true,
    why: 'staff of the handling unit',
  },
  {
    role: 'DEPARTMENT_STAFF',
    unit: 'ZJ-WZ-MZ',
    expect: 'MASKED',
    sees: false,
    why: 'department staff elsewhere',
  },
  { role: 'SUPERVISOR', unit: 'ZJ', expect: 'MASKED', sees: true, why: 'supervisor (reveal is separate)' },
  { role: 'ADMIN', unit: 'ZJ', expect: 'MASKED', sees: true, why: 'administrator' },
];

let t: TestHub;
let caseId: string;
const person = {
  name: '诸葛晓明',
  idNumber: newIdNumber('19610718'),
  phone: '13605718899',
  address: '浙江省杭州市上城区清波街道河坊街188号2幢301室',
};
const GOOD_REASON = '因住院治疗未能按期申请复核，住院号ZY20260318';
const plain: Record<string, string> = {
  'Petitioner.name': person.name,
  'Petitioner.idNumber': person.idNumber,
  'Petitioner.phone': person.phone,
  'Petitioner.address': person.address,
  'Case.goodReason': GOOD_REASON,
  'Case.repeatSubmissionNote': '以同一事实和理由再次来访',
  'TerminationApplication.statement': '符合终结条件',
  'TerminationApplication.returnReasons': '复核意见送达回证缺失，请补充后再报',
  'TerminationApplication.notificationExplanation': '已当面送达终结告知书并解释',
};

beforeAll(async () => {
  t = await startTestHub();
  await loadDemoUnits(t);
  t.clock.now = new Date('2026-06-01T04:00:00Z');
  const officer = await t.token('CASE_OFFICER', 'ZJ-HZ-ZJ');
  const reviewer = await t.token('AGENCY_REVIEWER', 'ZJ-HZ');
  caseId = await caseThroughProcedure(t, officer, {
    reReview: true,
    repeat: true,
    input: { petitioner: person },
  });
  ok(
    await t.gql(
      `mutation($id: ID!, $r: String!) { recordGoodReason(caseId: $id, reason: $r, recordedAt: "2026-05-02") { id } }`,
      { id: caseId, r: GOOD_REASON },
      officer,
    ),
  );
  // Returned once (so the case has return reasons), then applied again and approved.
  const first = ok(
    await t.gql(APPLY, { id: caseId, c: 'REPEAT_AFTER_RE_REVIEW' }, officer),
  ).applyForTermination;
  ok(await t.gql(RETURN, { id: first.id, r: plain['TerminationApplication.returnReasons'] }, reviewer));
  const app = ok(
    await t.gql(APPLY, { id: caseId, c: 'REPEAT_AFTER_RE_REVIEW' }, officer),
  ).applyForTermination;
  ok(await t.gql(APPROVE, { id: app.id }, reviewer));
  ok(await t.gql(NOTIFY, { id: caseId, at: '2026-06-01' }, officer));
});
afterAll(() => t.close());

const SELECTION = `goodReason repeatSubmissionNote petitioner { name idNumber phone address }
  terminationApplications { statement returnReasons notificationExplanation }`;
const PATHS: Record<string, { query: string; pick: (d: any) => any }> = {
  terminatedCase: {
    query: `query($id: ID!) { terminatedCase(id: $id) { ${SELECTION} } }`,
    pick: (d) => d.terminatedCase,
  },
  terminatedCases: {
    query: `query { terminatedCases(first: 100) { nodes { id ${SELECTION} } } }`,
    pick: (d) => d.terminatedCases.nodes.find((n: any) => n.id === caseId),
  },
  checkDuplicate: {
    query: `query($idn: String!) { checkDuplicate(input: { idNumber: $idn, content: "本人购买的商品房交付后外墙渗漏，多次报修未果，开发商推诿，要求维修。" }) { matches { case { id ${SELECTION} } } } }`,
    pick: (d) => d.checkDuplicate.matches.find((m: any) => m.case.id === caseId)?.case,
  },
  case: { query: `query($id: ID!) { case(id: $id) { ${SELECTION} } }`, pick: (d) => d.case },
};

function valuesOf(node: any): Record<string, unknown> {
  return {
    'Case.goodReason': node.goodReason,
    'Case.repeatSubmissionNote': node.repeatSubmissionNote,
    'Petitioner.name': node.petitioner.name,
    'Petitioner.idNumber': node.petitioner.idNumber,
    'Petitioner.phone': node.petitioner.phone,
    'Petitioner.address': node.petitioner.address,
    // applications in order: the returned one, then the approved one
    'TerminationApplication.statement': node.terminationApplications[0].statement,
    'TerminationApplication.returnReasons': node.terminationApplications[0].returnReasons,
    'TerminationApplication.notificationExplanation': node.terminationApplications[1].notificationExplanation,
  };
}

function classify(field: string, value: unknown): Expect | 'LEAK' {
  if (value === plain[field]) return 'CLEAR';
  if (value === null) return 'MASKED';
  const v = String(value);
  // A masked value keeps at most the parts DESIGN.md §3 allows, never the whole or a long run.
  const secret = plain[field];
  for (let i = 0; i + 8 <= secret.length; i++)
    if (v.includes(secret.slice(i, i + 8)) && field !== 'Petitioner.address') return 'LEAK';
  return 'MASKED';
}

describe('personal-data permission matrix', () => {
  it('knows every field of the schema that carries personal data', async () => {
    const admin = await t.token('ADMIN', 'ZJ');
    const types = ok(
      await t.gql(`{ __schema { types { name kind fields { name description } } } }`, {}, admin),
    ).__schema.types;
    const personal = types
      .filter((ty: any) => ty.kind === 'OBJECT' && !ty.name.startsWith('__'))
      .flatMap((ty: any) =>
        (ty.fields ?? [])
          .filter((f: any) => (f.description ?? '').startsWith(PERSONAL_DATA_MARK))
          .map((f: any) => `${ty.name}.${f.name}`),
      )
      .sort();
    expect(personal).toEqual(
      [...EXPECTED_PERSONAL_FIELDS, ...FOLLOWUP_PERSONAL_FIELDS, ...SUPERVISION_PERSONAL_FIELDS].sort(),
    );
  });

  for (const r of READERS) {
    it(`${r.role} @ ${r.unit} (${r.why}): ${r.expect} on every path`, async () => {
      const token = await t.token(r.role, r.unit);
      let paths = 0;
      for (const [name, path] of Object.entries(PATHS)) {
        const res = await t.gql(path.query, { id: caseId, idn: person.idNumber }, token);
        if (name === 'checkDuplicate' && r.role === 'ADMIN') {
          expect(errorOf(res).code).toBe('FORBIDDEN'); // administrators do not run look-ups
          continue;
        }
        if (name === 'case' && !r.sees) {
          expect(errorOf(res).code).toBe('NOT_FOUND'); // outside jurisdiction: not even masked
          continue;
        }
        const node = path.pick(ok(res));
        expect(node).toBeDefined();
        paths++;
        const got = Object.fromEntries(Object.entries(valuesOf(node)).map(([f, v]) => [f, classify(f, v)]));
        expect({ path: name, ...got }).toEqual({
          path: name,
          ...Object.fromEntries(EXPECTED_PERSONAL_FIELDS.map((f) => [f, r.expect])),
        });
      }
      expect(paths).toBeGreaterThanOrEqual(2);
    });
  }

  it('a denied value never breaks the query: masked readers get data, not errors', async () => {
    const res = await t.gql(
      PATHS.terminatedCase.query,
      { id: caseId },
      await t.token('DEPARTMENT_STAFF', 'ZJ-HZ-RS'),
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.terminatedCase.petitioner.name).toBe('诸***');
  });
});

describe('officer-written text on a case', () => {
  it('is audited when shown in clear, with the field named', async () => {
    const before = (
      await t.sql(`select count(*)::int as n from audit_log where 'case.goodReason' = any(fields)`)
    )[0].n;
    const officer = await t.token('CASE_OFFICER', 'ZJ-HZ-ZJ');
    ok(await t.gql(`query($id: ID!) { case(id: $id) { goodReason } }`, { id: caseId }, officer));
    expect(
      (await t.sql(`select count(*)::int as n from audit_log where 'case.goodReason' = any(fields)`))[0].n,
    ).toBe(before + 1);
    ok(
      await t.gql(
        `query($id: ID!) { terminatedCase(id: $id) { goodReason } }`,
        { id: caseId },
        await t.token('DEPARTMENT_STAFF', 'ZJ-HZ-RS'),
      ),
    );
    expect(
      (await t.sql(`select count(*)::int as n from audit_log where 'case.goodReason' = any(fields)`))[0].n,
    ).toBe(before + 1);
  });
});
