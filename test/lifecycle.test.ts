import { startTestHub, ok, errorOf, type TestHub } from './helpers/hub';
import {
  APPLY,
  APPROVE,
  NOTIFY,
  REGISTER,
  REQUEST,
  RETURN,
  STEP,
  caseInput,
  caseThroughProcedure,
  loadDemoUnits,
  newIdNumber,
  hangzhouHub,
} from './helpers/fixtures';
import { addDays } from '../src/shared/dates';

let t: TestHub;
let officer: string; // 杭州市住建局 (ZJ-HZ-ZJ)
let reviewer: string; // 杭州市信访局 (ZJ-HZ): nearest agency above ZJ-HZ-ZJ
beforeAll(async () => {
  ({ t, officer, reviewer } = await hangzhouHub());
});
afterAll(() => t.close());

const CASE = `query($id: ID!) { case(id: $id) { id status terminatedAt progress { currentStep dueDate overdue }
  steps { kind decidedAt deliveredAt } termination { decisionNumber decidedAt notifiedAt deliveryMethod examiningUnit { code } }
  petitioner { clear name idNumber phone address } } }`;

describe('happy paths', () => {
  it('REPEAT_AFTER_RE_REVIEW: acceptance → … → re-review → repeat → apply → approve → notify → TERMINATED', async () => {
    const id = await caseThroughProcedure(t, officer, { reReview: true, repeat: true });
    const app = ok(await t.gql(APPLY, { id, c: 'REPEAT_AFTER_RE_REVIEW' }, officer)).applyForTermination;
    expect(app).toMatchObject({ status: 'PENDING', examiningUnit: { code: 'ZJ-HZ' } });
    expect(ok(await t.gql(CASE, { id }, officer)).case.progress.currentStep).toBe('TERMINATION_EXAMINATION');
    const approved = ok(await t.gql(APPROVE, { id: app.id }, reviewer)).approveTermination;
    expect(approved.status).toBe('APPROVED');
    expect(approved.decisionNumber).toMatch(/^浙信终字〔2026〕第\d+号$/);
    ok(await t.gql(NOTIFY, { id, at: '2026-06-01' }, officer));
    const c = ok(await t.gql(CASE, { id }, officer)).case;
    expect(c.status).toBe('TERMINATED');
    expect(c.terminatedAt).toBe('2026-06-01');
    expect(c.steps.map((s: any) => s.kind)).toEqual(['ACCEPTANCE', 'HANDLING', 'REVIEW', 'RE_REVIEW']);
    expect(c.termination).toMatchObject({
      decisionNumber: approved.decisionNumber,
      notifiedAt: '2026-06-01',
      deliveryMethod: 'IN_PERSON',
      examiningUnit: { code: 'ZJ-HZ' },
    });
  });

  it('NO_NEW_REQUEST_IN_TIME: review delivered, 30 days passed, no request → terminated', async () => {
    const id = await caseThroughProcedure(t, officer);
    const app = ok(await t.gql(APPLY, { id, c: 'NO_NEW_REQUEST_IN_TIME' }, officer)).applyForTermination;
    ok(await t.gql(APPROVE, { id: app.id }, reviewer));
    ok(await t.gql(NOTIFY, { id, at: '2026-06-01' }, officer));
    expect(ok(await t.gql(CASE, { id }, officer)).case.status).toBe('TERMINATED');
  });

  it('a returned application goes back to the handling unit, which may apply again', async () => {
    const id = await caseThroughProcedure(t, officer, { reReview: true, repeat: true });
    const first = ok(await t.gql(APPLY, { id, c: 'REPEAT_AFTER_RE_REVIEW' }, officer)).applyForTermination;
    const returned = ok(
      await t.gql(RETURN, { id: first.id, r: '复核意见送达回证缺失，请补充' }, reviewer),
    ).returnTermination;
    expect(returned).toMatchObject({ status: 'RETURNED', returnReasons: '复核意见送达回证缺失，请补充' });
    expect(ok(await t.gql(CASE, { id }, officer)).case.status).toBe('IN_PROGRESS');
    const second = ok(await t.gql(APPLY, { id, c: 'REPEAT_AFTER_RE_REVIEW' }, officer)).applyForTermination;
    expect(second.status).toBe('PENDING');
  });

  it('shows the current step, its due date and whether it is overdue', async () => {
    const id = ok(
      await t.gql(
        REGISTER,
        { input: caseInput({ acceptedAt: '2026-03-01', acceptanceDeliveredAt: '2026-03-02' }) },
        officer,
      ),
    ).registerCase.id;
    let p = ok(await t.gql(CASE, { id }, officer)).case.progress;
    expect(p).toEqual({ currentStep: 'HANDLING', dueDate: '2026-04-30', overdue: true }); // 60 days; today 2026-06-01
    ok(await t.gql(`mutation($id: ID!) { extendHandling(caseId: $id) { id } }`, { id }, officer));
    p = ok(await t.gql(CASE, { id }, officer)).case.progress;
    expect(p).toEqual({ currentStep: 'HANDLING', dueDate: '2026-05-30', overdue: true }); // +30
    ok(
      await t.gql(
        STEP,
        {
          input: {
            caseId: id,
            kind: 'HANDLING',
            opinion: '办理意见',
            decidedAt: '2026-05-20',
            deliveredAt: '2026-05-25',
          },
        },
        officer,
      ),
    );
    p = ok(await t.gql(CASE, { id }, officer)).case.progress;
    expect(p).toEqual({ currentStep: 'AWAITING_REVIEW_REQUEST', dueDate: '2026-06-24', overdue: false });
  });
});

describe("progress once the petitioner's request period is over", () => {
  // One case per period, walked at a clock set to the given China day; progress and the
  // NO_NEW_REQUEST_IN_TIME check must turn on the same day.
  const at = (hub: TestHub, day: string) => (hub.clock.now = new Date(`${day}T04:00:00+08:00`));
  const progressOn = async (hub: TestHub, token: string, id: string, day: string) => {
    at(hub, day);
    return ok(await hub.gql(CASE, { id }, token)).case.progress;
  };
  const handledCase = async (hub: TestHub, token: string) => {
    at(hub, '2026-06-01');
    const id = ok(await hub.gql(REGISTER, { input: caseInput() }, token)).registerCase.id;
    const handling = { caseId: id, kind: 'HANDLING', opinion: '办理意见', decidedAt: '2026-02-10' };
    ok(await hub.gql(STEP, { input: { ...handling, deliveredAt: '2026-02-12' } }, token));
    return id;
  };
  const cases: { name: string; env: Record<string, string>; reviewEnd: string; reReviewEnd: string }[] = [
    { name: 'default periods (30 days)', env: {}, reviewEnd: '2026-03-14', reReviewEnd: '2026-04-11' },
    {
      name: 'configured periods (10 and 15 days)',
      env: { PERIOD_REVIEW_REQUEST_DAYS: '10', PERIOD_RE_REVIEW_REQUEST_DAYS: '15' },
      reviewEnd: '2026-02-22',
      reReviewEnd: '2026-03-27',
    },
  ];
  describe.each(cases)('$name', ({ env, reviewEnd, reReviewEnd }) => {
    let hub: TestHub;
    let me: string;
    beforeAll(async () => {
      hub = await startTestHub(env);
      await loadDemoUnits(hub);
      me = await hub.token('CASE_OFFICER', 'ZJ-HZ-ZJ', '王经办');
    });
    afterAll(() => hub.close());

    it('after the handling reply: awaiting a review request until the period ends, then the handling opinion is final', async () => {
      const id = await handledCase(hub, me); // handling reply delivered 2026-02-12
      const awaiting = { currentStep: 'AWAITING_REVIEW_REQUEST', dueDate: reviewEnd, overdue: false };
      expect(await progressOn(hub, me, id, '2026-02-12')).toEqual(awaiting);
      expect(await progressOn(hub, me, id, reviewEnd)).toEqual(awaiting);
      const after = addDays(reviewEnd, 1);
      expect(await progressOn(hub, me, id, after)).toEqual({
        currentStep: 'HANDLING_OPINION_FINAL',
        dueDate: null,
        overdue: false,
      });
      // Agrees with the termination check: without a review there is nothing to terminate.
      const e = errorOf(await hub.gql(APPLY, { id, c: 'NO_NEW_REQUEST_IN_TIME' }, me));
      expect(e.extensions.unmet).toEqual(['未记录复查意见']);
      // A good reason for a late request keeps the door open.
      ok(
        await hub.gql(
          `mutation($id: ID!, $d: LocalDate!) { recordGoodReason(caseId: $id, reason: "住院治疗未能按期申请", recordedAt: $d) { id } }`,
          { id, d: after },
          me,
        ),
      );
      expect(await progressOn(hub, me, id, after)).toEqual(awaiting);
    });

    it('after the review reply: awaiting a re-review request until the period ends, then complete and ready for NO_NEW_REQUEST_IN_TIME', async () => {
      const id = await handledCase(hub, me);
      ok(await hub.gql(REQUEST, { id, kind: 'REVIEW', at: '2026-02-20' }, me));
      const review = { caseId: id, kind: 'REVIEW', opinion: '复查意见', decidedAt: '2026-03-10' };
      ok(await hub.gql(STEP, { input: { ...review, deliveredAt: '2026-03-12' } }, me));
      const awaiting = { currentStep: 'AWAITING_RE_REVIEW_REQUEST', dueDate: reReviewEnd, overdue: false };
      expect(await progressOn(hub, me, id, '2026-03-12')).toEqual(awaiting);
      expect(await progressOn(hub, me, id, reReviewEnd)).toEqual(awaiting);
      const early = errorOf(await hub.gql(APPLY, { id, c: 'NO_NEW_REQUEST_IN_TIME' }, me));
      expect(early.extensions.unmet).toEqual([`复查意见送达后的请求期限尚未届满（至 ${reReviewEnd}）`]);
      expect(await progressOn(hub, me, id, addDays(reReviewEnd, 1))).toEqual({
        currentStep: 'PROCEDURE_COMPLETE',
        dueDate: null,
        overdue: false,
      });
      const app = ok(await hub.gql(APPLY, { id, c: 'NO_NEW_REQUEST_IN_TIME' }, me)).applyForTermination;
      expect(app.status).toBe('PENDING');
    });
  });
});

describe('termination conditions are checked', () => {
  it('refuses REPEAT_AFTER_RE_REVIEW without re-review, naming what is missing', async () => {
    const id = await caseThroughProcedure(t, officer);
    const e = errorOf(await t.gql(APPLY, { id, c: 'REPEAT_AFTER_RE_REVIEW' }, officer));
    expect(e.code).toBe('CONDITION_NOT_MET');
    expect(e.extensions.unmet).toEqual(
      expect.arrayContaining(['未记录复核意见', '未记录信访人在复核后以同一事实和理由再次提出']),
    );
  });

  it('refuses REPEAT_AFTER_RE_REVIEW when the petitioner did not come back', async () => {
    const id = await caseThroughProcedure(t, officer, { reReview: true });
    const e = errorOf(await t.gql(APPLY, { id, c: 'REPEAT_AFTER_RE_REVIEW' }, officer));
    expect(e.extensions.unmet).toEqual(['未记录信访人在复核后以同一事实和理由再次提出']);
  });

  it('refuses NO_NEW_REQUEST_IN_TIME before the request period is over', async () => {
    const id = await caseThroughProcedure(t, officer);
    const saved = t.clock.now;
    t.clock.now = new Date('2026-04-01T04:00:00Z'); // review delivered 2026-03-12; period ends 2026-04-11
    try {
      const e = errorOf(await t.gql(APPLY, { id, c: 'NO_NEW_REQUEST_IN_TIME' }, officer));
      expect(e.code).toBe('CONDITION_NOT_MET');
      expect(e.message).toContain('请求期限尚未届满（至 2026-04-11）');
    } finally {
      t.clock.now = saved;
    }
  });

  it('refuses NO_NEW_REQUEST_IN_TIME when a good reason is recorded', async () => {
    const id = await caseThroughProcedure(t, officer);
    ok(
      await t.gql(
        `mutation($id: ID!) { recordGoodReason(caseId: $id, reason: "住院治疗未能按期申请", recordedAt: "2026-04-20") { id } }`,
        { id },
        officer,
      ),
    );
    const e = errorOf(await t.gql(APPLY, { id, c: 'NO_NEW_REQUEST_IN_TIME' }, officer));
    expect(e.extensions.unmet).toEqual(['已记录正当理由']);
  });

  it('refuses NO_NEW_REQUEST_IN_TIME without a review', async () => {
    const id = ok(await t.gql(REGISTER, { input: caseInput() }, officer)).registerCase.id;
    expect(
      errorOf(await t.gql(APPLY, { id, c: 'NO_NEW_REQUEST_IN_TIME' }, officer)).extensions.unmet,
    ).toEqual(['未记录复查意见']);
  });
});

describe('roles, units and states', () => {
  it('refuses the wrong role', async () => {
    const id = await caseThroughProcedure(t, officer, { reReview: true, repeat: true });
    const staff = await t.token('DEPARTMENT_STAFF', 'ZJ-HZ-ZJ');
    expect(errorOf(await t.gql(APPLY, { id, c: 'REPEAT_AFTER_RE_REVIEW' }, staff)).code).toBe('FORBIDDEN');
    const app = ok(await t.gql(APPLY, { id, c: 'REPEAT_AFTER_RE_REVIEW' }, officer)).applyForTermination;
    expect(errorOf(await t.gql(APPROVE, { id: app.id }, officer)).code).toBe('FORBIDDEN');
  });

  it('an officer of another unit learns nothing; the unit above may see but not act', async () => {
    const id = await caseThroughProcedure(t, officer, { reReview: true, repeat: true });
    const stranger = await t.token('CASE_OFFICER', 'ZJ-WZ-MZ');
    const missing = errorOf(await t.gql(APPLY, { id: '999999', c: 'REPEAT_AFTER_RE_REVIEW' }, stranger));
    const hidden = errorOf(await t.gql(APPLY, { id, c: 'REPEAT_AFTER_RE_REVIEW' }, stranger));
    expect(hidden).toEqual(missing); // same code and message whether it exists or not
    expect(hidden.code).toBe('NOT_FOUND');
    expect(errorOf(await t.gql(CASE, { id }, stranger)).code).toBe('NOT_FOUND');
    const above = await t.token('CASE_OFFICER', 'ZJ-HZ');
    expect(ok(await t.gql(CASE, { id }, above)).case.id).toBe(id);
    expect(errorOf(await t.gql(APPLY, { id, c: 'REPEAT_AFTER_RE_REVIEW' }, above)).code).toBe('FORBIDDEN');
  });

  it('only the nearest agency above examines: the province agency may not, another city learns nothing', async () => {
    const id = await caseThroughProcedure(t, officer, { reReview: true, repeat: true });
    const app = ok(await t.gql(APPLY, { id, c: 'REPEAT_AFTER_RE_REVIEW' }, officer)).applyForTermination;
    const province = await t.token('AGENCY_REVIEWER', 'ZJ');
    expect(errorOf(await t.gql(APPROVE, { id: app.id }, province)).code).toBe('FORBIDDEN');
    const wenzhou = await t.token('AGENCY_REVIEWER', 'ZJ-WZ');
    expect(errorOf(await t.gql(APPROVE, { id: app.id }, wenzhou)).code).toBe('NOT_FOUND');
    const pending = ok(
      await t.gql(`{ pendingTerminationApplications { id } }`, {}, reviewer),
    ).pendingTerminationApplications;
    expect(pending.map((a: any) => a.id)).toContain(app.id);
  });

  it('lists pending applications as a work queue: the oldest first, with the total when cut', async () => {
    const start = t.clock.now;
    const mine: string[] = [];
    try {
      for (let i = 1; i <= 3; i++) {
        const id = await caseThroughProcedure(t, officer, { reReview: true, repeat: true });
        t.clock.now = new Date(start.getTime() + i * 60_000);
        mine.push(
          ok(await t.gql(APPLY, { id, c: 'REPEAT_AFTER_RE_REVIEW' }, officer)).applyForTermination.id,
        );
      }
    } finally {
      t.clock.now = start;
    }
    const PENDING = `query($first: Int) { pendingTerminationApplications(first: $first) { id appliedAt }
      pendingTerminationApplicationCount }`;
    const all = ok(await t.gql(PENDING, { first: 500 }, reviewer));
    const n = all.pendingTerminationApplicationCount;
    expect(all.pendingTerminationApplications).toHaveLength(n);
    expect(n).toBeGreaterThanOrEqual(3);
    const times = all.pendingTerminationApplications.map((a: any) => a.appliedAt);
    expect([...times].sort()).toEqual(times);
    // cut to n-1: the oldest stay, the newest waits
    const cut = ok(await t.gql(PENDING, { first: n - 1 }, reviewer));
    expect(cut.pendingTerminationApplications).toEqual(all.pendingTerminationApplications.slice(0, n - 1));
    expect(all.pendingTerminationApplications.slice(-3).map((a: any) => a.id)).toEqual(mine);
    expect(cut.pendingTerminationApplications.map((a: any) => a.id)).not.toContain(mine[2]);
    expect(cut.pendingTerminationApplicationCount).toBe(n);
    expect(errorOf(await t.gql(PENDING, { first: 0 }, reviewer)).code).toBe('BAD_USER_INPUT');
    expect(errorOf(await t.gql(PENDING, { first: 1 }, officer)).code).toBe('FORBIDDEN');
  });

  it('refuses a return without reasons', async () => {
    const id = await caseThroughProcedure(t, officer, { reReview: true, repeat: true });
    const app = ok(await t.gql(APPLY, { id, c: 'REPEAT_AFTER_RE_REVIEW' }, officer)).applyForTermination;
    const e = errorOf(await t.gql(RETURN, { id: app.id, r: '  ' }, reviewer));
    expect(e.code).toBe('BAD_USER_INPUT');
    expect(e.extensions.fields).toEqual([{ field: 'reasons', message: expect.stringContaining('理由') }]);
  });

  it('refuses transitions from the wrong state with CONFLICT', async () => {
    const id = await caseThroughProcedure(t, officer, { reReview: true, repeat: true });
    expect(errorOf(await t.gql(NOTIFY, { id, at: '2026-06-01' }, officer)).code).toBe('CONFLICT'); // not approved
    const app = ok(await t.gql(APPLY, { id, c: 'REPEAT_AFTER_RE_REVIEW' }, officer)).applyForTermination;
    expect(errorOf(await t.gql(APPLY, { id, c: 'REPEAT_AFTER_RE_REVIEW' }, officer)).code).toBe('CONFLICT'); // twice
    ok(await t.gql(APPROVE, { id: app.id }, reviewer));
    expect(errorOf(await t.gql(APPROVE, { id: app.id }, reviewer)).code).toBe('CONFLICT');
    expect(errorOf(await t.gql(RETURN, { id: app.id, r: '理由' }, reviewer)).code).toBe('CONFLICT');
    ok(await t.gql(NOTIFY, { id, at: '2026-06-01' }, officer));
    expect(errorOf(await t.gql(NOTIFY, { id, at: '2026-06-01' }, officer)).code).toBe('CONFLICT');
    const step = { caseId: id, kind: 'RE_REVIEW', opinion: 'x', decidedAt: '2026-05-01' };
    expect(errorOf(await t.gql(STEP, { input: step }, officer)).code).toBe('CONFLICT');
  });

  it('refuses steps out of order', async () => {
    const id = ok(await t.gql(REGISTER, { input: caseInput() }, officer)).registerCase.id;
    const review = { caseId: id, kind: 'REVIEW', opinion: '复查意见', decidedAt: '2026-03-01' };
    expect(errorOf(await t.gql(STEP, { input: review }, officer)).message).toContain('尚未记录办理');
    ok(
      await t.gql(
        STEP,
        {
          input: {
            caseId: id,
            kind: 'HANDLING',
            opinion: '办理意见',
            decidedAt: '2026-02-01',
            deliveredAt: '2026-02-02',
          },
        },
        officer,
      ),
    );
    expect(errorOf(await t.gql(STEP, { input: review }, officer)).message).toContain('尚未申请复查');
  });
});

describe('input checks', () => {
  it('refuses dates out of order and in the future, naming each field', async () => {
    const id = ok(await t.gql(REGISTER, { input: caseInput() }, officer)).registerCase.id;
    const future = errorOf(
      await t.gql(
        STEP,
        {
          input: {
            caseId: id,
            kind: 'HANDLING',
            opinion: '办理意见',
            decidedAt: '2026-07-01',
            deliveredAt: '2026-06-20',
          },
        },
        officer,
      ),
    );
    expect(future.code).toBe('BAD_USER_INPUT');
    expect(future.extensions.fields.map((f: any) => f.field)).toEqual(['decidedAt', 'deliveredAt']);
    expect(future.message).toContain('不能晚于今天');
    const early = errorOf(
      await t.gql(
        STEP,
        { input: { caseId: id, kind: 'HANDLING', opinion: '办理意见', decidedAt: '2025-12-01' } },
        officer,
      ),
    );
    expect(early.code).toBe('BAD_USER_INPUT');
    expect(early.message).toContain('不能早于上一环节');
    const backwards = errorOf(
      await t.gql(
        REGISTER,
        { input: caseInput({ acceptedAt: '2026-03-01', acceptanceDeliveredAt: '2026-02-01' }) },
        officer,
      ),
    );
    expect(backwards.extensions.fields.map((f: any) => f.field)).toEqual(['acceptanceDeliveredAt']);
  });

  it('refuses an ID number with a wrong check character and a bad phone, both at once, without echoing them', async () => {
    const good = newIdNumber();
    const wrong = good.slice(0, 17) + (good[17] === '1' ? '2' : '1');
    const r = await t.gql(REGISTER, { input: caseInput({}, { idNumber: wrong, phone: '12345' }) }, officer);
    const e = errorOf(r);
    expect(e.code).toBe('BAD_USER_INPUT');
    expect(e.extensions.fields.map((f: any) => f.field).sort()).toEqual([
      'petitioner.idNumber',
      'petitioner.phone',
    ]);
    expect(e.message).toContain('校验位');
    expect(JSON.stringify(r)).not.toContain(wrong);
    expect(JSON.stringify(r)).not.toContain('12345');
  });

  it('accepts a lower-case x and spaces, and one person registered twice is one petitioner', async () => {
    let id: string;
    do id = newIdNumber('19790315');
    while (!id.endsWith('X'));
    const spaced = `${id.slice(0, 6)} ${id.slice(6, 14)} ${id.slice(14, 17)}x`;
    const a = ok(await t.gql(REGISTER, { input: caseInput({}, { idNumber: spaced }) }, officer)).registerCase
      .id;
    const b = ok(
      await t.gql(REGISTER, { input: caseInput({ title: '第二件事项：物业费' }, { idNumber: id }) }, officer),
    ).registerCase.id;
    const rows = await t.sql(
      `select count(distinct petitioner_id)::int as n from petition_case where id = any($1)`,
      [[a, b]],
    );
    expect(rows[0].n).toBe(1);
    expect(ok(await t.gql(CASE, { id: a }, officer)).case.petitioner.idNumber).toBe(id);
  });
});

describe('personal data on read', () => {
  it('registering a known person at another unit neither shows nor changes what the first unit recorded', async () => {
    const idNumber = newIdNumber('19760606');
    const first = ok(await t.gql(REGISTER, { input: caseInput({}, { idNumber }) }, officer)).registerCase.id;
    const other = await t.token('CASE_OFFICER', 'ZJ-WZ-MZ');
    const R = `mutation($input: RegisterCaseInput!) { registerCase(input: $input) { id petitioner { clear name phone address } } }`;
    const input = caseInput({}, { name: '某某', idNumber, phone: null, address: null });
    const second = ok(await t.gql(R, { input }, other)).registerCase;
    expect(second.petitioner).toEqual({ clear: true, name: '某某', phone: null, address: null });
    const mine = ok(await t.gql(CASE, { id: first }, officer)).case.petitioner;
    expect(mine).toMatchObject({ clear: true, name: '俞晓梅', phone: '13867142593' });
    const rows = await t.sql(
      `select count(distinct petitioner_id)::int as n from petition_case where id = any($1)`,
      [[first, second.id]],
    );
    expect(rows[0].n).toBe(1); // still one person
  });

  it('is clear for the handling unit officer and the examining reviewer, masked for others', async () => {
    const id = await caseThroughProcedure(t, officer, { reReview: true, repeat: true, input: {} });
    ok(await t.gql(APPLY, { id, c: 'REPEAT_AFTER_RE_REVIEW' }, officer));
    const mine = ok(await t.gql(CASE, { id }, officer)).case.petitioner;
    expect(mine).toMatchObject({ clear: true, name: '俞晓梅', phone: '13867142593' });
    expect(ok(await t.gql(CASE, { id }, reviewer)).case.petitioner.clear).toBe(true);
    for (const [role, unit] of [
      ['DEPARTMENT_STAFF', 'ZJ-HZ-ZJ'],
      ['SUPERVISOR', 'ZJ'],
      ['ADMIN', 'ZJ'],
      ['AGENCY_REVIEWER', 'ZJ'],
    ] as const) {
      const p = ok(await t.gql(CASE, { id }, await t.token(role, unit))).case.petitioner;
      expect(p).toMatchObject({
        clear: false,
        name: '俞**',
        phone: '138****2593',
        address: '浙江省杭州市西湖区****',
      });
      expect(p.idNumber).toMatch(/^330106\*{8}\d{3}[\dX]$/);
    }
  });
});

describe('decision numbers per agency', () => {
  it('each agency numbers its own decisions: two agencies may both issue 第1号', async () => {
    const ohOfficer = await t.token('CASE_OFFICER', 'ZJ-WZ-OH-ZJ');
    const ohReviewer = await t.token('AGENCY_REVIEWER', 'ZJ-WZ-OH');
    const id = await caseThroughProcedure(t, ohOfficer, { reReview: true, repeat: true });
    const app = ok(await t.gql(APPLY, { id, c: 'REPEAT_AFTER_RE_REVIEW' }, ohOfficer)).applyForTermination;
    expect(app.examiningUnit.code).toBe('ZJ-WZ-OH');
    const approved = ok(await t.gql(APPROVE, { id: app.id }, ohReviewer)).approveTermination;
    expect(approved.decisionNumber).toBe('浙信终字〔2026〕第1号');
    const hz =
      await t.sql(`select count(*)::int as n from termination_application a join unit u on u.id = a.examining_unit_id
                             where u.code = 'ZJ-HZ' and a.decision_number = '浙信终字〔2026〕第1号'`);
    expect(hz[0].n).toBe(1);
  });
});

describe('concurrency', () => {
  it('two reviewers at once: exactly one approves, the other gets CONFLICT, one number is used', async () => {
    const id = await caseThroughProcedure(t, officer, { reReview: true, repeat: true });
    const app = ok(await t.gql(APPLY, { id, c: 'REPEAT_AFTER_RE_REVIEW' }, officer)).applyForTermination;
    const other = await t.token('AGENCY_REVIEWER', 'ZJ-HZ', '赵审核');
    const before = await t.sql(`select coalesce(sum(last_n), 0)::int as n from decision_number_counter`);
    const results = await Promise.all([
      t.gql(APPROVE, { id: app.id }, reviewer),
      t.gql(APPROVE, { id: app.id }, other),
      t.gql(RETURN, { id: app.id, r: '材料不全' }, other),
    ]);
    const wins = results.filter((r) => !r.errors);
    const losses = results.filter((r) => r.errors);
    expect(wins).toHaveLength(1);
    expect(losses.map((r) => errorOf(r).code)).toEqual(['CONFLICT', 'CONFLICT']);
    const after = await t.sql(`select coalesce(sum(last_n), 0)::int as n from decision_number_counter`);
    const approvedNow = wins[0].data!.approveTermination ? 1 : 0;
    expect(after[0].n - before[0].n).toBe(approvedNow);
  });

  it('decision numbers stay unique and gap-free under concurrent approvals', async () => {
    const apps: string[] = [];
    for (let i = 0; i < 8; i++) {
      const id = await caseThroughProcedure(t, officer, { reReview: true, repeat: true });
      apps.push(ok(await t.gql(APPLY, { id, c: 'REPEAT_AFTER_RE_REVIEW' }, officer)).applyForTermination.id);
    }
    await Promise.all(apps.map((id) => t.gql(APPROVE, { id }, reviewer).then(ok)));
    const rows = await t.sql(
      `select decision_number from termination_application a join unit u on u.id = a.examining_unit_id
        where u.code = 'ZJ-HZ' and decision_number is not null`,
    );
    const ns = rows.map((r) => Number(/第(\d+)号/.exec(r.decision_number)![1])).sort((a, b) => a - b);
    expect(ns).toEqual(ns.map((_, i) => i + 1));
  });
});
