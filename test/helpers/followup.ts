import { ok, type TestHub } from './hub';

/** POST /files as multipart/form-data through the real server. */
export async function upload(
  t: TestHub,
  token: string | null,
  content: Buffer | string,
  opts: { name?: string; type?: string; field?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: any }> {
  const form = new FormData();
  const bytes = typeof content === 'string' ? Buffer.from(content) : content;
  form.append(
    opts.field ?? 'file',
    new Blob([bytes], { type: opts.type ?? 'application/pdf' }),
    opts.name ?? '终结决定书.pdf',
  );
  const res = await fetch(t.url.replace(/\/graphql$/, '/files'), {
    method: 'POST',
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(opts.headers ?? {}) },
    body: form,
  });
  return { status: res.status, body: await res.json() };
}

/** GET /files/:id through the real server. */
export async function download(
  t: TestHub,
  token: string | null,
  id: string,
): Promise<{ status: number; headers: Headers; bytes: Buffer; json: any }> {
  const res = await fetch(t.url.replace(/\/graphql$/, `/files/${id}`), {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  const bytes = Buffer.from(await res.arrayBuffer());
  let json: any = null;
  if ((res.headers.get('content-type') ?? '').includes('application/json'))
    json = JSON.parse(bytes.toString());
  return { status: res.status, headers: res.headers, bytes, json };
}

/** Every required archive item of a case that had a re-review (archive.service.ts). */
export const REQUIRED_KINDS = [
  'PETITIONER_INFO',
  'ACCEPTANCE',
  'HANDLING',
  'REVIEW',
  'RE_REVIEW',
  'APPLICATION',
  'DECISION',
  'NOTIFICATION',
];

export const ADD_DOC = `mutation($input: AddArchiveDocumentInput!) { addArchiveDocument(input: $input) {
  id kind createdBy current { version title documentDate issuingUnit text hasText file { id sha256 sizeBytes name } } } }`;
export const CORRECT_DOC = `mutation($input: CorrectArchiveDocumentInput!) { correctArchiveDocument(input: $input) {
  id current { version title text correctionReason createdBy file { id } }
  versions { version title text correctionReason createdBy file { id } } } }`;
export const ARCHIVE = `query($id: ID!) { followUp(caseId: $id) { archive { id complete missing
  requirements { kind label documents present }
  documents { id kind current { version title text clear file { id name sha256 downloadPath } } versions { version } } } } }`;
export const VISIT = `mutation($input: RecordReturnVisitInput!) { recordReturnVisit(input: $input) {
  id visitedAt visitedOn method officer recordedBy opinions suggestions situation explanation clear } }`;
export const TRACK = `mutation($input: RecordTrackingInput!) { recordTracking(input: $input) {
  id observedOn riskLevel situation measures recordedBy clear } }`;
export const SCHEDULE = `query($id: ID!) { followUp(caseId: $id) { visitSchedule { policy { firstDays intervalDays periodMonths }
  periodEnd nextDue overdue { index dueDate } slots { index windowStart dueDate status visitedOn } } } }`;
export const REPORT = `mutation($input: ReportEscalationInput!) { reportEscalation(input: $input) {
  id kind status discoveredOn description measuresTaken reportedBy targetAgency { code } case { id } clear } }`;
export const ACK = `mutation($input: AcknowledgeEscalationInput!) { acknowledgeEscalation(input: $input) {
  id status acknowledgedBy acknowledgedAt acknowledgeMeasures } }`;
export const RESOLVE = `mutation($input: ResolveEscalationInput!) { resolveEscalation(input: $input) {
  id status outcome resolvedBy resolveMeasures newCase { id status title handlingUnit { code } relatedCase { id } } } }`;

export function visitInput(caseId: string, over: Record<string, unknown> = {}) {
  return {
    caseId,
    visitedAt: '2026-06-20T02:00:00Z',
    method: 'HOME_VISIT',
    opinions: '对终结决定表示理解，但希望开发商尽快完成维修',
    suggestions: '建议住建部门加强物业维修监管',
    situation: '情绪平稳，家庭生活正常，已找到新工作',
    explanation: '向其解释了终结决定的依据和后续维修的办理渠道',
    ...over,
  };
}

/** The officers' texts of `withEveryFollowUpText`, one per record it writes. */
export interface FollowUpTexts {
  doc: string;
  reason: string;
  fileName: string;
  opinions: string;
  situation: string;
  tracking: string;
  escalation: string;
  ack: string;
}

/**
 * One record of every follow-up kind that holds officers' text (DESIGN.md §3), on a terminated
 * case, with the given texts: an archive document with an uploaded file, corrected once; a
 * return visit; a tracking record; an escalation report, acknowledged by the reviewer. Moves the
 * clock to 2026-07-10 first. Answers the file's and the report's ids.
 */
export async function withEveryFollowUpText(
  t: TestHub,
  officer: string,
  reviewer: string,
  caseId: string,
  text: FollowUpTexts,
  file: Buffer | string,
): Promise<{ fileId: string; reportId: string }> {
  t.clock.now = new Date('2026-07-10T04:00:00Z');
  const up = await upload(t, officer, file, { name: text.fileName });
  if (up.status !== 201) throw new Error(`upload answered ${up.status}`);
  const fileId: string = up.body.id;
  const doc = ok(
    await t.gql(
      ADD_DOC,
      {
        input: {
          caseId,
          kind: 'PETITIONER_INFO',
          title: '信访人基本情况登记表',
          documentDate: '2026-01-05',
          issuingUnit: '杭州市住房和城乡建设局',
          text: text.doc,
          fileId,
        },
      },
      officer,
    ),
  ).addArchiveDocument;
  ok(
    await t.gql(
      CORRECT_DOC,
      { input: { documentId: doc.id, reason: text.reason, title: '信访人基本情况（更正）' } },
      officer,
    ),
  );
  const visit = { visitedAt: '2026-06-25T02:00:00Z', opinions: text.opinions, situation: text.situation };
  ok(await t.gql(VISIT, { input: visitInput(caseId, visit) }, officer));
  ok(
    await t.gql(
      TRACK,
      { input: { caseId, observedOn: '2026-07-01', riskLevel: 'HIGH', situation: text.tracking } },
      officer,
    ),
  );
  const escalation = {
    caseId,
    kind: 'NEW_DEMAND',
    discoveredOn: '2026-07-02',
    description: text.escalation,
    measuresTaken: '已听取',
  };
  const reportId: string = ok(await t.gql(REPORT, { input: escalation }, officer)).reportEscalation.id;
  ok(await t.gql(ACK, { input: { reportId, measures: text.ack } }, reviewer));
  return { fileId, reportId };
}
