import { ok, errorOf, type TestHub, type GqlResult } from './helpers/hub';
import { terminatedCase, hangzhouHub } from './helpers/fixtures';
import type { Role } from '../src/access/roles';
import {
  ACK,
  ADD_DOC,
  REPORT,
  RESOLVE,
  TRACK,
  VISIT,
  download,
  visitInput,
  withEveryFollowUpText,
} from './helpers/followup';

/**
 * DESIGN.md §1 and §3 for the follow-up records: departments' staff reach none of them or their
 * text, by any path (queries, fields under shared cases, mutations, file download); the officers'
 * text is clear only for the readers visibilityFor allows, masked (null) for others, and every
 * clear read is audited.
 */
let t: TestHub;
let officer: string;
let reviewer: string;
let caseId: string;
let fileId: string;
let reportId: string;
const SECRET = {
  doc: '信访人身份证复印件：俞晓梅 330106198001011234',
  reason: '更正：补充俞晓梅的户籍信息',
  fileName: '俞晓梅身份证.pdf',
  fileBytes: 'PDF-SCAN 俞晓梅 身份证 正反面',
  opinions: '俞晓梅表示仍对赔偿金额不满',
  situation: '俞晓梅近期失业，情绪低落',
  tracking: '俞晓梅在业主群中扬言再次进京上访',
  escalation: '俞晓梅提出车库渗水赔偿的新诉求',
  ack: '已签收，约谈俞晓梅',
};
const secrets = Object.values(SECRET);

beforeAll(async () => {
  ({ t, officer, reviewer } = await hangzhouHub());
  caseId = await terminatedCase(t, officer, reviewer);
  ({ fileId, reportId } = await withEveryFollowUpText(
    t,
    officer,
    reviewer,
    caseId,
    SECRET,
    SECRET.fileBytes,
  ));
});
afterAll(() => t.close());

const FOLLOWUP_SELECTION = `archive { complete missing documents { kind current { title text correctionReason clear
    file { id name sha256 downloadPath } } versions { version text correctionReason } } }
  visitSchedule { nextDue overdue { dueDate } }
  returnVisits { visitedOn opinions suggestions situation explanation clear }
  trackingRecords { observedOn riskLevel situation measures clear }
  escalationReports { id status description measuresTaken acknowledgeMeasures resolveMeasures clear }`;
const FOLLOWUP = `query($id: ID!) { followUp(caseId: $id) { ${FOLLOWUP_SELECTION} } }`;

function leaks(r: unknown): string[] {
  const text = JSON.stringify(r);
  return secrets.filter((s) => text.includes(s));
}

describe('departments reach none of the follow-up records or their text', () => {
  const departments: [Role, string][] = [
    ['DEPARTMENT_STAFF', 'ZJ-HZ-ZJ'], // staff of the handling unit itself
    ['DEPARTMENT_STAFF', 'ZJ-HZ-RS'],
    ['DEPARTMENT_STAFF', 'ZJ-WZ-MZ'],
    ['ADMIN', 'ZJ'],
  ];
  for (const [role, unit] of departments) {
    it(`${role} @ ${unit}: every query, field, mutation and download is refused`, async () => {
      const token = await t.token(role, unit);
      const responses: GqlResult[] = [];
      const refused = async (query: string, variables: Record<string, unknown> = {}) => {
        const r = await t.gql(query, variables, token);
        responses.push(r);
        expect(errorOf(r).code).toBe('FORBIDDEN');
        return r;
      };
      await refused(FOLLOWUP, { id: caseId });
      await refused(`query($id: ID!) { escalationReport(id: $id) { id description } }`, { id: reportId });
      await refused(`{ escalationInbox { nodes { id description } } }`);
      await refused(`{ overdueReturnVisits { nodes { case { id } } } }`);
      // The shared terminated case is visible, but its follow-up field is not.
      const viaCase = await refused(
        `query($id: ID!) { terminatedCase(id: $id) { id title followUp { ${FOLLOWUP_SELECTION} } } }`,
        {
          id: caseId,
        },
      );
      expect(viaCase.data?.terminatedCase).toMatchObject({ id: caseId, followUp: null });
      const viaList = await refused(
        `{ terminatedCases(first: 5) { nodes { id followUp { returnVisits { opinions } trackingRecords { situation }
          archive { documents { current { text file { name } } } } escalationReports { description } } } } }`,
      );
      expect(viaList.data?.terminatedCases.nodes.every((n: any) => n.followUp === null)).toBe(true);
      // Writes.
      await refused(ADD_DOC, {
        input: { caseId, kind: 'OTHER', title: 't', documentDate: '2026-07-01', issuingUnit: 'u', text: 'x' },
      });
      await refused(VISIT, { input: visitInput(caseId) });
      await refused(TRACK, { input: { caseId, observedOn: '2026-07-01', riskLevel: 'LOW', situation: 's' } });
      await refused(REPORT, {
        input: {
          caseId,
          kind: 'NEW_DEMAND',
          discoveredOn: '2026-07-02',
          description: 'd',
          measuresTaken: 'm',
        },
      });
      await refused(ACK, { input: { reportId, measures: 'm' } });
      await refused(RESOLVE, { input: { reportId, outcome: 'HANDLED', measures: 'm' } });
      // The file.
      const d = await download(t, token, fileId);
      expect(d.status).toBe(403);
      expect(d.bytes.toString()).not.toContain('身份证');
      expect(d.headers.get('content-disposition')).toBeNull();
      expect(responses.flatMap(leaks)).toEqual([]);
      expect(JSON.stringify(responses)).not.toContain(SECRET.fileName);
    });
  }
});

type Expect = 'CLEAR' | 'MASKED' | 'NOT_FOUND';
const READERS: { role: Role; unit: string; expect: Expect; why: string }[] = [
  { role: 'CASE_OFFICER', unit: 'ZJ-HZ-ZJ', expect: 'CLEAR', why: "handling unit's officer" },
  { role: 'CASE_OFFICER', unit: 'ZJ-HZ', expect: 'CLEAR', why: 'officer of the unit above' },
  { role: 'AGENCY_REVIEWER', unit: 'ZJ-HZ', expect: 'CLEAR', why: 'examining agency (recipient of reports)' },
  { role: 'AGENCY_REVIEWER', unit: 'ZJ', expect: 'MASKED', why: 'agency above the examining one' },
  { role: 'SUPERVISOR', unit: 'ZJ', expect: 'MASKED', why: 'supervisor' },
  { role: 'CASE_OFFICER', unit: 'ZJ-WZ-MZ', expect: 'NOT_FOUND', why: 'officer of another city' },
  { role: 'AGENCY_REVIEWER', unit: 'ZJ-WZ', expect: 'NOT_FOUND', why: 'another city agency' },
];

describe('officers’ text: clear for the entitled, null for other readers, nothing outside jurisdiction', () => {
  for (const r of READERS) {
    it(`${r.role} @ ${r.unit} (${r.why}): ${r.expect}`, async () => {
      const token = await t.token(r.role, r.unit);
      const res = await t.gql(FOLLOWUP, { id: caseId }, token);
      if (r.expect === 'NOT_FOUND') {
        expect(errorOf(res).code).toBe('NOT_FOUND');
        expect(leaks(res)).toEqual([]);
        return;
      }
      const f = ok(res).followUp;
      const texts = [
        f.archive.documents[0].current.text,
        f.archive.documents[0].current.correctionReason,
        f.archive.documents[0].current.file.name,
        f.returnVisits[0].opinions,
        f.returnVisits[0].situation,
        f.returnVisits[0].explanation,
        f.trackingRecords[0].situation,
        f.escalationReports[0].description,
        f.escalationReports[0].acknowledgeMeasures,
      ];
      const clears = [
        f.archive.documents[0].current.clear,
        f.returnVisits[0].clear,
        f.trackingRecords[0].clear,
        f.escalationReports[0].clear,
      ];
      // The record itself (dates, kinds, statuses, completeness) is there for every reader.
      expect(f.archive.documents[0].kind).toBe('PETITIONER_INFO');
      expect(f.archive.documents[0].versions.map((v: any) => v.version)).toEqual([1, 2]);
      expect(f.trackingRecords[0]).toMatchObject({ observedOn: '2026-07-01', riskLevel: 'HIGH' });
      expect(f.escalationReports[0].status).toBe('ACKNOWLEDGED');
      if (r.expect === 'CLEAR') {
        expect(texts).toEqual([
          SECRET.doc,
          SECRET.reason,
          SECRET.fileName,
          SECRET.opinions,
          SECRET.situation,
          expect.any(String),
          SECRET.tracking,
          SECRET.escalation,
          SECRET.ack,
        ]);
        expect(clears).toEqual([true, true, true, true]);
      } else {
        expect(texts).toEqual(texts.map(() => null));
        expect(clears).toEqual([false, false, false, false]);
        expect(leaks(res)).toEqual([]);
      }
    });
  }

  it('audits every clear read of the text, naming the records read, and no masked read', async () => {
    const officerAbove = await t.token('CASE_OFFICER', 'ZJ-HZ', '周科长');
    const before = await t.sql(`select coalesce(max(seq), 0)::int as seq from audit_log`);
    ok(
      await t.gql(
        `query($id: ID!) { followUp(caseId: $id) { returnVisits { opinions } trackingRecords { situation } } }`,
        { id: caseId },
        officerAbove,
      ),
    );
    ok(
      await t.gql(
        `query($id: ID!) { followUp(caseId: $id) { returnVisits { opinions } } }`,
        { id: caseId },
        await t.token('SUPERVISOR', 'ZJ'),
      ),
    );
    const rows = await t.sql(
      `select user_name, operation, case_id::int, array(select unnest(fields) order by 1) as fields from audit_log where seq > $1 order by seq`,
      [before[0].seq],
    );
    expect(rows).toEqual([
      {
        user_name: '周科长',
        operation: 'petitioner.read.clear',
        case_id: Number(caseId),
        fields: ['returnVisit.notes', 'trackingRecord.notes'],
      },
    ]);
  });

  it('keeps the text sealed at rest', async () => {
    const dump = await t.sql(`select
      (select string_agg(notes_enc, ' ') from return_visit) ||
      (select string_agg(notes_enc, ' ') from tracking_record) ||
      (select string_agg(coalesce(text_enc, '') || coalesce(reason_enc, ''), ' ') from archive_document_version) ||
      (select string_agg(report_enc || coalesce(acknowledge_enc, ''), ' ') from escalation_report) ||
      (select string_agg(name_enc || encode(content, 'escape'), ' ') from stored_file) as all_text`);
    expect(secrets.filter((s) => dump[0].all_text.includes(s))).toEqual([]);
    expect(dump[0].all_text).not.toContain('俞晓梅');
  });
});
