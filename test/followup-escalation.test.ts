import { ok, errorOf, type TestHub } from './helpers/hub';
import { REGISTER, caseInput, terminatedCase, hangzhouHub } from './helpers/fixtures';
import { ACK, REPORT, RESOLVE, TRACK } from './helpers/followup';

let t: TestHub;
let officer: string; // ZJ-HZ-ZJ
let reviewer: string; // ZJ-HZ: nearest petition agency above ZJ-HZ-ZJ
let caseId: string;

beforeAll(async () => {
  ({ t, officer, reviewer } = await hangzhouHub());
  caseId = await terminatedCase(t, officer, reviewer);
  t.clock.now = new Date('2026-07-01T04:00:00Z');
});
afterAll(() => t.close());

const report = (over: Record<string, unknown> = {}) => ({
  caseId,
  kind: 'NEW_DEMAND',
  discoveredOn: '2026-06-28',
  description: '信访人提出小区地下车库渗水造成车辆受损，要求赔偿，属于新的诉求',
  measuresTaken: '已当面听取诉求并告知正在核实',
  ...over,
});
const INBOX = `query($s: [EscalationStatus!]) { escalationInbox(statuses: $s) { totalCount nodes { id status description case { id } } } }`;

async function reported(over: Record<string, unknown> = {}) {
  return ok(await t.gql(REPORT, { input: report(over) }, officer)).reportEscalation;
}

describe('REPORTED → ACKNOWLEDGED → RESOLVED', () => {
  it('goes to the nearest petition agency above, whose reviewers see it in their inbox and handle it', async () => {
    const trk = ok(
      await t.gql(
        TRACK,
        { input: { caseId, observedOn: '2026-06-28', riskLevel: 'HIGH', situation: '提出新的诉求' } },
        officer,
      ),
    ).recordTracking;
    const r = await reported({ trackingRecordId: trk.id });
    expect(r).toMatchObject({
      status: 'REPORTED',
      kind: 'NEW_DEMAND',
      discoveredOn: '2026-06-28',
      reportedBy: '王经办',
      targetAgency: { code: 'ZJ-HZ' },
      case: { id: caseId },
      measuresTaken: '已当面听取诉求并告知正在核实',
      clear: true,
    });
    const inbox = ok(await t.gql(INBOX, {}, reviewer)).escalationInbox;
    expect(inbox.nodes).toContainEqual({
      id: r.id,
      status: 'REPORTED',
      description: report().description,
      case: { id: caseId },
    });
    // The province agency above is not the recipient: its inbox is empty.
    expect(
      ok(await t.gql(INBOX, {}, await t.token('AGENCY_REVIEWER', 'ZJ'))).escalationInbox.totalCount,
    ).toBe(0);

    const acked = ok(
      await t.gql(ACK, { input: { reportId: r.id, measures: '已签收，责成住建局三日内核实' } }, reviewer),
    ).acknowledgeEscalation;
    expect(acked).toMatchObject({
      status: 'ACKNOWLEDGED',
      acknowledgedBy: '李审核',
      acknowledgeMeasures: '已签收，责成住建局三日内核实',
    });
    const resolved = ok(
      await t.gql(
        RESOLVE,
        {
          input: {
            reportId: r.id,
            outcome: 'HANDLED',
            measures: '经核实为物业维修问题，已督促物业修复并答复信访人',
          },
        },
        reviewer,
      ),
    ).resolveEscalation;
    expect(resolved).toMatchObject({
      status: 'RESOLVED',
      outcome: 'HANDLED',
      resolvedBy: '李审核',
      newCase: null,
    });
    expect(ok(await t.gql(INBOX, {}, reviewer)).escalationInbox.nodes.map((n: any) => n.id)).not.toContain(
      r.id,
    );
    expect(
      ok(await t.gql(INBOX, { s: ['RESOLVED'] }, reviewer)).escalationInbox.nodes.map((n: any) => n.id),
    ).toContain(r.id);
    // The handling unit sees the whole history on the case.
    const seen = ok(
      await t.gql(
        `query($id: ID!) { followUp(caseId: $id) { escalationReports { id status measuresTaken acknowledgeMeasures resolveMeasures trackingRecordId } } }`,
        { id: caseId },
        officer,
      ),
    ).followUp.escalationReports;
    expect(seen.find((x: any) => x.id === r.id)).toEqual({
      id: r.id,
      status: 'RESOLVED',
      measuresTaken: '已当面听取诉求并告知正在核实',
      acknowledgeMeasures: '已签收，责成住建局三日内核实',
      resolveMeasures: '经核实为物业维修问题，已督促物业修复并答复信访人',
      trackingRecordId: trk.id,
    });
    const ops = await t.sql(`select operation from audit_log where details->>'reportId' = $1 order by seq`, [
      r.id,
    ]);
    expect(ops.map((o: any) => o.operation)).toEqual([
      'followup.reportEscalation',
      'followup.acknowledgeEscalation',
      'followup.resolveEscalation',
    ]);
  });

  it('resolving a genuinely new matter registers a new case linked to the terminated one', async () => {
    const r = await reported();
    ok(await t.gql(ACK, { input: { reportId: r.id, measures: '已签收' } }, reviewer));
    const newCase = {
      category: 'URBAN_CONSTRUCTION_HOUSING',
      title: '反映地下车库渗水致车辆受损',
      factsAndReasons: '小区地下车库长期渗水，信访人车辆因此受损，物业拒绝赔偿。',
      requests: '要求物业赔偿车辆维修费用',
      acceptedAt: '2026-06-30',
      acceptanceOpinion: '属新的信访事项，予以受理',
    };
    const res = ok(
      await t.gql(
        RESOLVE,
        {
          input: {
            reportId: r.id,
            outcome: 'NEW_CASE_REGISTERED',
            measures: '作为新事项登记，交住建局办理',
            newCase,
          },
        },
        reviewer,
      ),
    ).resolveEscalation;
    expect(res).toMatchObject({
      status: 'RESOLVED',
      outcome: 'NEW_CASE_REGISTERED',
      newCase: {
        status: 'IN_PROGRESS',
        title: newCase.title,
        handlingUnit: { code: 'ZJ-HZ-ZJ' },
        relatedCase: { id: caseId },
      },
    });
    const [row] = await t.sql(
      `select n.related_case_id, n.petitioner_id = o.petitioner_id as same_person from petition_case n, petition_case o
        where n.id = $1 and o.id = $2`,
      [res.newCase.id, caseId],
    );
    expect(row).toEqual({ related_case_id: Number(caseId), same_person: true });
    // The handling unit's officer now has the new matter to handle.
    const c = ok(
      await t.gql(
        `query($id: ID!) { case(id: $id) { status relatedCase { id status } petitioner { clear name } } }`,
        { id: res.newCase.id },
        officer,
      ),
    ).case;
    expect(c).toMatchObject({
      status: 'IN_PROGRESS',
      relatedCase: { id: caseId, status: 'TERMINATED' },
      petitioner: { clear: true, name: '俞晓梅' },
    });
  });

  it('refuses a new case without its details, with bad details, or details for a HANDLED outcome', async () => {
    const r = await reported();
    ok(await t.gql(ACK, { input: { reportId: r.id, measures: '已签收' } }, reviewer));
    const missing = errorOf(
      await t.gql(
        RESOLVE,
        { input: { reportId: r.id, outcome: 'NEW_CASE_REGISTERED', measures: '登记' } },
        reviewer,
      ),
    );
    expect(missing.extensions.fields).toEqual([
      { field: 'newCase', message: expect.stringContaining('新事项') },
    ]);
    const bad = errorOf(
      await t.gql(
        RESOLVE,
        {
          input: {
            reportId: r.id,
            outcome: 'NEW_CASE_REGISTERED',
            measures: '',
            newCase: {
              category: 'EDUCATION',
              title: '',
              factsAndReasons: 'x',
              requests: 'y',
              acceptedAt: '2026-07-02',
              acceptanceOpinion: 'z',
            },
          },
        },
        reviewer,
      ),
    );
    expect(bad.extensions.fields.map((f: any) => f.field)).toEqual([
      'measures',
      'newCase.title',
      'newCase.acceptedAt',
    ]);
    const early = errorOf(
      await t.gql(
        RESOLVE,
        {
          input: {
            reportId: r.id,
            outcome: 'NEW_CASE_REGISTERED',
            measures: '登记',
            newCase: {
              category: 'EDUCATION',
              title: 't',
              factsAndReasons: 'x',
              requests: 'y',
              acceptedAt: '2026-06-27',
              acceptanceOpinion: 'z',
            },
          },
        },
        reviewer,
      ),
    );
    expect(early.extensions.fields).toEqual([
      { field: 'newCase.acceptedAt', message: expect.stringContaining('2026-06-28') },
    ]);
    const handled = errorOf(
      await t.gql(
        RESOLVE,
        {
          input: {
            reportId: r.id,
            outcome: 'HANDLED',
            measures: '已答复',
            newCase: {
              category: 'EDUCATION',
              title: 't',
              factsAndReasons: 'x',
              requests: 'y',
              acceptedAt: '2026-06-30',
              acceptanceOpinion: 'z',
            },
          },
        },
        reviewer,
      ),
    );
    expect(handled.extensions.fields.map((f: any) => f.field)).toEqual(['newCase']);
    const [{ status }] = await t.sql(`select status from escalation_report where id = $1`, [r.id]);
    expect(status).toBe('ACKNOWLEDGED'); // nothing half-done
  });
});

describe('transitions out of order and the wrong people', () => {
  it('refuses resolving before acknowledging, and each step twice, with CONFLICT', async () => {
    const r = await reported();
    const early = errorOf(
      await t.gql(RESOLVE, { input: { reportId: r.id, outcome: 'HANDLED', measures: '答复' } }, reviewer),
    );
    expect(early.code).toBe('CONFLICT');
    expect(early.message).toContain('须先签收');
    ok(await t.gql(ACK, { input: { reportId: r.id, measures: '签收' } }, reviewer));
    expect(errorOf(await t.gql(ACK, { input: { reportId: r.id, measures: '签收' } }, reviewer)).code).toBe(
      'CONFLICT',
    );
    ok(await t.gql(RESOLVE, { input: { reportId: r.id, outcome: 'HANDLED', measures: '答复' } }, reviewer));
    expect(
      errorOf(
        await t.gql(RESOLVE, { input: { reportId: r.id, outcome: 'HANDLED', measures: '答复' } }, reviewer),
      ).code,
    ).toBe('CONFLICT');
    expect(errorOf(await t.gql(ACK, { input: { reportId: r.id, measures: '签收' } }, reviewer)).code).toBe(
      'CONFLICT',
    );
  });

  it('two reviewers acknowledging at once: exactly one succeeds', async () => {
    const r = await reported();
    const other = await t.token('AGENCY_REVIEWER', 'ZJ-HZ', '赵审核');
    const results = await Promise.all([
      t.gql(ACK, { input: { reportId: r.id, measures: '甲签收' } }, reviewer),
      t.gql(ACK, { input: { reportId: r.id, measures: '乙签收' } }, other),
    ]);
    expect(results.filter((x) => !x.errors)).toHaveLength(1);
    expect(results.filter((x) => x.errors).map((x) => errorOf(x).code)).toEqual(['CONFLICT']);
  });

  it('only the recipient agency handles; the agency above is FORBIDDEN, another city learns nothing', async () => {
    const r = await reported();
    expect(
      errorOf(
        await t.gql(
          ACK,
          { input: { reportId: r.id, measures: 'x' } },
          await t.token('AGENCY_REVIEWER', 'ZJ'),
        ),
      ).code,
    ).toBe('FORBIDDEN');
    const wz = await t.token('AGENCY_REVIEWER', 'ZJ-WZ');
    const hidden = errorOf(await t.gql(ACK, { input: { reportId: r.id, measures: 'x' } }, wz));
    const missing = errorOf(await t.gql(ACK, { input: { reportId: '999999', measures: 'x' } }, wz));
    expect(hidden).toEqual(missing);
    expect(hidden.code).toBe('NOT_FOUND');
    expect(errorOf(await t.gql(ACK, { input: { reportId: r.id, measures: 'x' } }, officer)).code).toBe(
      'FORBIDDEN',
    );
    expect(errorOf(await t.gql(INBOX, {}, officer)).code).toBe('FORBIDDEN');
    const e = errorOf(await t.gql(`query($id: ID!) { escalationReport(id: $id) { id } }`, { id: r.id }, wz));
    expect(e.code).toBe('NOT_FOUND');
  });

  it('refuses reports from the wrong role or unit, on a case not terminated, with bad dates or missing fields', async () => {
    expect(errorOf(await t.gql(REPORT, { input: report() }, reviewer)).code).toBe('FORBIDDEN');
    expect(
      errorOf(await t.gql(REPORT, { input: report() }, await t.token('CASE_OFFICER', 'ZJ-WZ-MZ'))).code,
    ).toBe('NOT_FOUND');
    const open = ok(await t.gql(REGISTER, { input: caseInput() }, officer)).registerCase.id;
    expect(errorOf(await t.gql(REPORT, { input: report({ caseId: open }) }, officer)).code).toBe('CONFLICT');
    const e = errorOf(
      await t.gql(
        REPORT,
        { input: report({ discoveredOn: '2026-07-02', description: '', measuresTaken: ' ' }) },
        officer,
      ),
    );
    expect(e.extensions.fields.map((f: any) => f.field)).toEqual([
      'discoveredOn',
      'description',
      'measuresTaken',
    ]);
    const before = errorOf(await t.gql(REPORT, { input: report({ discoveredOn: '2026-05-01' }) }, officer));
    expect(before.extensions.fields).toEqual([
      { field: 'discoveredOn', message: '发现日期不能早于终结日期（2026-06-01）' },
    ]);
  });
});

describe('safe retries', () => {
  it('same key twice → one report; a retried acknowledgement returns the first result, not CONFLICT', async () => {
    const input = report({ idempotencyKey: 'esc-1' });
    const a = ok(await t.gql(REPORT, { input }, officer)).reportEscalation;
    const b = ok(await t.gql(REPORT, { input }, officer)).reportEscalation;
    expect(b.id).toBe(a.id);
    const n = await t.sql(
      `select count(*)::int as n from audit_log where operation = 'followup.reportEscalation' and details->>'reportId' = $1`,
      [a.id],
    );
    expect(n[0].n).toBe(1);
    const ackInput = { reportId: a.id, measures: '签收', idempotencyKey: 'ack-1' };
    const x = ok(await t.gql(ACK, { input: ackInput }, reviewer)).acknowledgeEscalation;
    const y = ok(await t.gql(ACK, { input: ackInput }, reviewer)).acknowledgeEscalation;
    expect(y).toEqual(x);
    expect(errorOf(await t.gql(ACK, { input: { ...ackInput, measures: '别的措施' } }, reviewer)).code).toBe(
      'CONFLICT',
    );
    const resInput = { reportId: a.id, outcome: 'HANDLED', measures: '答复', idempotencyKey: 'res-1' };
    const p = ok(await t.gql(RESOLVE, { input: resInput }, reviewer)).resolveEscalation;
    const q = ok(await t.gql(RESOLVE, { input: resInput }, reviewer)).resolveEscalation;
    expect(q.id).toBe(p.id);
    expect(q.status).toBe('RESOLVED');
  });
});
