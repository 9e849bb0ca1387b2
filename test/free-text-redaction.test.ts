import { startTestHub, ok, type TestHub } from './helpers/hub';
import { importData, validateImportFile } from '../src/modules/import/import.service';
import { readerText } from '../src/modules/petitioner/reader-text';
import { createServices } from '../src/services';
import { createLoaders } from '../src/graphql/loaders';
import type { Context } from '../src/graphql/context';
import { UnitKind } from '../src/modules/org/unit.entity';
import { ACK, REPORT, TRACK, VISIT, visitInput } from './helpers/followup';
import { devSetUnitLines } from './helpers/fixtures';
import {
  ADD_FINDING,
  ANSWER_FEEDBACK,
  ASSIGN_FEEDBACK,
  CLOSE_FEEDBACK,
  COMPLETE,
  CONCLUDE,
  CREATE_INSPECTION,
  ISSUE,
  RECORD_FEEDBACK,
  VERIFY,
  at,
} from './helpers/supervision';

/**
 * Issue 12, "What it must show" 2: personal data inside free text. Cases are imported whose facts,
 * title, requests and step opinions carry the petitioner's own address, phone, ID number and name
 * (spaced and partial forms too); follow-up and supervision text repeats them. Departments' staff,
 * a supervisor of another unit, the supervisor who wrote the text and an administrator then walk
 * every query they may call that returns such text, and the CSV report: none of the values comes
 * back in any form. The handling unit's officer (and the examining agency's reviewer) read the
 * original.
 */
let t: TestHub;
let caseId: string;
let otherCaseId: string;
let tokens: Record<string, string>;

const P = {
  name: '沈丽华',
  idNumber: '330102196212309387',
  phone: '13757108462',
  address: '浙江省杭州市上城区采荷街道芙蓉新村21幢1单元102室',
};
/** What must never reach a masked reader, compared after spaces and dashes are squeezed out. */
const FORBIDDEN = [P.name, '丽华', P.idNumber, '330102621230938', P.phone, '芙蓉新村', '21幢', '1单元102'];
/** The supervisor's text also names someone the hub does not know: shapes are redacted too. */
const STRANGER = { idNumber: '110105194912310021', phone: '13912345678', house: '文三路478号' };
const FORBIDDEN_SHAPES = [STRANGER.idNumber, STRANGER.phone, '478号'];

const FACTS =
  `本人${P.name}，住上城区采荷街道芙蓉新村21幢1单元102室，联系电话137-5710-8462，身份证号 330102 19621230 9387。` +
  '2022年7月，该单元二至六楼住户申请加装电梯，电梯井道紧贴本人卧室窗户外侧，距离不足1.5米，' +
  '上城区住建局于2022年9月批准，本人要求赔偿损失3.5万元。';

function importLines(): string[] {
  const units = devSetUnitLines();
  const base = {
    kind: 'case',
    handlingUnitCode: 'ZJ-HZ-ZJ',
    category: 'URBAN_CONSTRUCTION_HOUSING',
    acceptedAt: '2025-01-06',
    handledAt: '2025-03-01',
    reviewedAt: '2025-04-20',
    reReviewedAt: '2025-06-10',
    termination: {
      condition: 'REPEAT_AFTER_RE_REVIEW',
      approvedAt: '2025-08-01',
      approvingUnitCode: 'ZJ-HZ',
      notifiedAt: '2025-08-05',
    },
  };
  const own = {
    ...base,
    externalRef: 'RED-1',
    petitioner: P,
    title: '反对芙蓉新村21幢1单元加装电梯审批问题',
    factsAndReasons: FACTS,
    requests: `撤销加装电梯审批，赔偿损失3.5万元，请电话 13757108462 联系${P.name}`,
    handlingOpinion: `经查，${P.name}所住芙蓉新村21幢1单元102室与电梯井道距离符合规范，不予支持`,
    reviewOpinion: `维持原办理意见，已电话告知 137 5710 8462`,
    reReviewOpinion: `复核维持；信访人身份证330102196212309387`,
    termination: { ...base.termination, decisionNumber: '杭信终字〔2025〕第7号' },
  };
  // Another petitioner's case in Wenzhou: its officers must not see 沈丽华 in the supervision text either.
  const other = {
    ...base,
    externalRef: 'RED-2',
    handlingUnitCode: 'ZJ-WZ-OH-ZJ',
    petitioner: {
      name: '李国强',
      idNumber: '330304197105266172',
      phone: '15968771023',
      address: '浙江省温州市瓯海区新桥街道新桥新村11幢102室',
    },
    title: '反映老旧小区改造施工导致进水问题',
    factsAndReasons: '2022年5月小区实施老旧小区综合改造，施工导致一楼住户进水。',
    requests: '要求赔偿损失',
    handlingOpinion: '责令施工单位修复',
    reviewOpinion: '维持',
    reReviewOpinion: '复核维持',
    termination: {
      ...base.termination,
      approvingUnitCode: 'ZJ-WZ-OH',
      decisionNumber: '瓯信终字〔2025〕第3号',
    },
  };
  return [...units, JSON.stringify(own), JSON.stringify(other)];
}

beforeAll(async () => {
  t = await startTestHub();
  at(t, '2026-03-01');
  const parsed = await validateImportFile(importLines(), { em: t.orm.em.fork(), now: () => t.clock.now });
  expect(parsed.errors).toEqual([]);
  await importData(
    t.orm.em.fork(),
    t.hub.deps,
    { userId: 'test:import', name: '导入', role: 'ADMIN', unitCode: 'SYSTEM' },
    parsed,
  );
  const [c] = await t.sql(`select id from petition_case where external_ref = 'RED-1'`);
  const [o] = await t.sql(`select id from petition_case where external_ref = 'RED-2'`);
  caseId = String(c.id);
  otherCaseId = String(o.id);

  tokens = {
    officer: await t.token('CASE_OFFICER', 'ZJ-HZ-ZJ', '王经办'),
    reviewer: await t.token('AGENCY_REVIEWER', 'ZJ-HZ', '李审核'),
    staff: await t.token('DEPARTMENT_STAFF', 'ZJ-HZ-RS', '吴科员'),
    wzStaff: await t.token('DEPARTMENT_STAFF', 'ZJ-WZ-RS', '温科员'),
    hzSupervisor: await t.token('SUPERVISOR', 'ZJ-HZ', '冯监督'),
    wzSupervisor: await t.token('SUPERVISOR', 'ZJ-WZ', '何监督'),
    wzOfficer: await t.token('CASE_OFFICER', 'ZJ-WZ-OH-ZJ', '陈经办'),
    admin: await t.token('ADMIN', 'ZJ', '管理员'),
  };
  const { officer, reviewer, hzSupervisor } = tokens;
  const mention = `${P.name}（电话${P.phone}，住芙蓉新村21幢1单元102室，身份证${P.idNumber}）`;
  const stranger = `另有知情人身份证${STRANGER.idNumber}，电话${STRANGER.phone}，住${STRANGER.house}`;

  // follow-up text by the handling unit's officer
  at(t, '2026-03-10');
  ok(
    await t.gql(
      VISIT,
      {
        input: visitInput(caseId, {
          visitedAt: '2026-03-10T02:00:00Z',
          opinions: `${mention}表示仍不满意`,
          situation: `住芙蓉新村21幢1单元102室，生活正常`,
        }),
      },
      officer,
    ),
  );
  ok(
    await t.gql(
      TRACK,
      {
        input: {
          caseId,
          observedOn: '2026-03-10',
          riskLevel: 'MEDIUM',
          situation: `${mention}近期多次来电`,
          measures: `已电话 ${P.phone} 回复`,
        },
      },
      officer,
    ),
  );
  const report = ok(
    await t.gql(
      REPORT,
      {
        input: {
          caseId,
          kind: 'NEW_DEMAND',
          discoveredOn: '2026-03-10',
          description: `${mention}提出新的赔偿诉求`,
          measuresTaken: `已上门至芙蓉新村21幢1单元102室听取意见`,
        },
      },
      officer,
    ),
  ).reportEscalation;
  ok(await t.gql(ACK, { input: { reportId: report.id, measures: `已签收，联系 ${P.phone}` } }, reviewer));

  // supervision text by the city's supervisor, naming the petitioner as typed
  const inspection = ok(
    await t.gql(
      CREATE_INSPECTION,
      {
        input: {
          title: `专项检查（举报电话${STRANGER.phone}）`,
          scopeUnitCode: 'ZJ-HZ',
          periodFrom: '2025-01-01',
          periodTo: '2026-03-01',
          inspectors: ['冯监督'],
        },
      },
      hzSupervisor,
    ),
  ).createInspection;
  const finding = ok(
    await t.gql(
      ADD_FINDING,
      {
        input: {
          inspectionId: inspection.id,
          targetKind: 'CASE',
          targetId: caseId,
          problem: 'OTHER',
          description: `经办人员向无关人员泄露${mention}。${stranger}`,
        },
      },
      hzSupervisor,
    ),
  ).addInspectionFinding;
  const order = ok(
    await t.gql(
      ISSUE,
      { input: { findingId: finding.id, requirement: `向${mention}当面致歉并整改`, deadline: '2026-03-31' } },
      hzSupervisor,
    ),
  ).issueRectificationOrder;
  ok(
    await t.gql(
      COMPLETE,
      {
        input: {
          orderId: order.id,
          report: `已于芙蓉新村21幢1单元102室向${P.name}致歉`,
          completedOn: '2026-03-10',
        },
      },
      officer,
    ),
  );
  ok(
    await t.gql(
      VERIFY,
      { input: { orderId: order.id, passed: true, opinion: `经电话 ${P.phone} 回访核实` } },
      hzSupervisor,
    ),
  );
  ok(
    await t.gql(
      `mutation($input: RecordAccountabilityInput!) { recordAccountability(input: $input) { id facts } }`,
      {
        input: {
          findingId: finding.id,
          staffName: '王经办',
          staffUnitCode: 'ZJ-HZ-ZJ',
          misconduct: 'PERSONAL_DATA_LEAK',
          measure: 'CRITICISM_EDUCATION',
          facts: `泄露 ${P.name} ${P.idNumber}，住址芙蓉新村21幢1单元102室。${stranger}`,
          decidedOn: '2026-03-10',
        },
      },
      hzSupervisor,
    ),
  );
  ok(await t.gql(CONCLUDE, { id: inspection.id, c: `发现泄露${mention}问题一项` }, hzSupervisor));
  const feedback = ok(
    await t.gql(
      RECORD_FEEDBACK,
      {
        input: {
          receivedOn: '2026-03-10',
          channel: 'PHONE',
          content: `${mention}来电反映无人回访；${stranger}`,
          caseId,
          submitterName: '赵热心',
          submitterPhone: '13600001111',
        },
      },
      hzSupervisor,
    ),
  ).recordPublicFeedback;
  ok(
    await t.gql(
      ASSIGN_FEEDBACK,
      { id: feedback.id, unit: 'ZJ-HZ-ZJ', note: `请联系${P.name} ${P.phone}` },
      hzSupervisor,
    ),
  );
  ok(
    await t.gql(
      ANSWER_FEEDBACK,
      { id: feedback.id, a: `已到芙蓉新村21幢1单元102室回访${P.name}，赵热心 13600001111 已知悉` },
      officer,
    ),
  );
  ok(
    await t.gql(CLOSE_FEEDBACK, { id: feedback.id, s: 'SATISFIED', note: `${P.name}表示满意` }, hzSupervisor),
  );
  at(t, '2026-03-15');
}, 120_000);
afterAll(() => t?.close());

// ---------------------------------------------------------------------------------------------
// Every query a reader may call that returns such text
// ---------------------------------------------------------------------------------------------

const STEPS = `steps { kind opinion }`;
const CASE = `id title factsAndReasons requests goodReason repeatSubmissionNote ${STEPS}
  petitioner { clear name idNumber phone address }
  terminationApplications { statement returnReasons notificationExplanation }`;
const FOLLOW_UP = `returnVisits { opinions suggestions situation explanation }
  trackingRecords { situation measures }
  escalationReports { description measuresTaken acknowledgeMeasures resolveMeasures }
  archive { documents { current { title text } } }`;
const FINDING_BASE = `description case { ${CASE} }`;
const FINDING = `${FINDING_BASE}
  rectificationOrders { requirement completionReport verificationOpinion }
  accountabilityRecords { facts }`;
const FEEDBACK = `content assignmentNote answer closingNote submitterName submitterPhone case { id title factsAndReasons }`;

const QUERIES: Record<
  string,
  { query: string; variables?: (ids: { caseId: string }) => Record<string, unknown> }
> = {
  terminatedCases: {
    query: `{ terminatedCases(first: 10) { nodes { ${CASE} followUp { ${FOLLOW_UP} } } } }`,
  },
  terminatedCasesByText: {
    query: `{ terminatedCases(first: 100, filter: { text: "加装电梯" }) { nodes { id title factsAndReasons } } }`,
  },
  terminatedCase: {
    query: `query($id: ID!) { terminatedCase(id: $id) { ${CASE} followUp { ${FOLLOW_UP} } } }`,
    variables: ({ caseId }) => ({ id: caseId }),
  },
  case: {
    query: `query($id: ID!) { case(id: $id) { ${CASE} } }`,
    variables: ({ caseId }) => ({ id: caseId }),
  },
  cases: { query: `{ cases(first: 100) { nodes { ${CASE} } } }` },
  checkDuplicate: {
    query: `query($i: DuplicateCheckInput!) { checkDuplicate(input: $i) { verdict matches { case { ${CASE} } } } }`,
    variables: () => ({ i: { content: FACTS } }),
  },
  followUp: {
    query: `query($id: ID!) { followUp(caseId: $id) { case { ${CASE} } ${FOLLOW_UP} } }`,
    variables: ({ caseId }) => ({ id: caseId }),
  },
  overdueReturnVisits: { query: `{ overdueReturnVisits(first: 100) { nodes { case { ${CASE} } } } }` },
  inspections: {
    query: `{ inspections(first: 5) { nodes { title conclusion findings { ${FINDING} } } } }`,
  },
  rectificationOrders: {
    query: `{ rectificationOrders(first: 20) { nodes { requirement completionReport verificationOpinion finding { ${FINDING} } inspection { title conclusion } } } }`,
  },
  overdueRectifications: {
    query: `{ overdueRectifications(first: 100) { nodes { requirement finding { description } } } }`,
  },
  accountabilityRecords: {
    query: `{ accountabilityRecords(first: 20) { nodes { facts finding { ${FINDING_BASE} inspection { title conclusion } } } } }`,
  },
  publicFeedbackList: { query: `{ publicFeedbackList(first: 100) { nodes { ${FEEDBACK} } } }` },
  inspectionOpenEscalations: {
    query: `{ inspectionOpenEscalations(first: 100) { nodes { case { ${CASE} } } } }`,
  },
  inspectionOverdueVisits: {
    query: `{ inspectionOverdueVisits(first: 100) { nodes { case { ${CASE} } } } }`,
  },
  inspectionIncompleteArchives: {
    query: `{ inspectionIncompleteArchives(first: 100) { nodes { case { ${CASE} } } } }`,
  },
  inspectionStaleTracking: {
    query: `{ inspectionStaleTracking(first: 100) { nodes { case { ${CASE} } } } }`,
  },
  auditLog: { query: `{ auditLog(first: 200) { nodes { operation reason details fields } } }` },
};

const squeeze = (s: string) => s.replace(/[\s\u3000\-－]/g, '');

/** Every answer (data and errors) a reader gets from every query above, as one text. */
async function walk(token: string): Promise<{ text: string; answered: string[] }> {
  const answers: string[] = [];
  const answered: string[] = [];
  for (const [name, q] of Object.entries(QUERIES)) {
    const r = await t.gql(q.query, q.variables?.({ caseId }) ?? {}, token);
    answers.push(JSON.stringify(r));
    // answered: the query's own field came back (a field inside it the reader may not see is null)
    if (r.data && Object.values(r.data).every((v) => v !== null)) answered.push(name);
  }
  const csv = await fetch(t.url.replace('/graphql', '/reports/followup.csv?unit=ZJ'), {
    headers: { authorization: `Bearer ${token}` },
  });
  answers.push(await csv.text());
  return { text: answers.join('\n'), answered };
}

describe('masked readers see none of the personal data in free text', () => {
  const readers: [string, string[]][] = [
    ['staff', ['terminatedCases', 'terminatedCase', 'checkDuplicate']],
    ['wzStaff', ['terminatedCases', 'terminatedCase', 'checkDuplicate']],
    ['wzSupervisor', ['terminatedCases', 'terminatedCase', 'checkDuplicate', 'auditLog']],
    [
      'hzSupervisor',
      ['terminatedCase', 'followUp', 'inspections', 'accountabilityRecords', 'publicFeedbackList'],
    ],
    ['admin', ['terminatedCases', 'terminatedCase', 'accountabilityRecords']],
    ['wzOfficer', ['terminatedCases', 'terminatedCase', 'checkDuplicate']],
  ];

  it.each(readers)('%s', async (reader, mustAnswer) => {
    const { text, answered } = await walk(tokens[reader]);
    expect(answered).toEqual(expect.arrayContaining(mustAnswer));
    const seen = squeeze(text);
    for (const value of [...FORBIDDEN, ...FORBIDDEN_SHAPES])
      expect({ reader, value, found: seen.includes(value) }).toEqual({ reader, value, found: false });
    // the text itself still arrives, redacted rather than dropped
    expect(text).toContain('本人沈*');
    expect(text).toContain('住上城区****');
    expect(text).toContain('330102********9387');
  });

  it('redacts the supervision text for the supervisor who wrote it and for the administrator', async () => {
    const d = ok(await t.gql(`{ accountabilityRecords(first: 10) { nodes { facts } } }`, {}, tokens.admin));
    const [record] = d.accountabilityRecords.nodes;
    expect(record.facts).toBe(
      '泄露 沈** 330102********9387，住址****。另有知情人身份证110105********0021，电话139****5678，住文三路****',
    );
    const f = ok(
      await t.gql(`{ publicFeedbackList { nodes { answer submitterName } } }`, {}, tokens.hzSupervisor),
    ).publicFeedbackList.nodes[0];
    expect(f.answer).toBe('已到****回访沈**，赵** 136****1111 已知悉');
    expect(f.submitterName).toBe('赵**');
  });
});

describe('the text filter of the sharing page cannot confirm what it masks', () => {
  const PAGE = `query($text: String!, $first: Int) {
    terminatedCases(first: $first, filter: { text: $text }) { totalCount nodes { id } } }`;
  const page = async (token: string, text: string, first = 20) =>
    ok(await t.gql(PAGE, { text, first }, token)).terminatedCases;

  it.each(['staff', 'wzStaff', 'wzSupervisor', 'admin', 'officer'])(
    '%s: a guessed name, phone, ID number or address finds nothing, counted as nothing',
    async (reader) => {
      const token = tokens[reader];
      // words a masked reader does read still find the case
      expect((await page(token, '加装电梯')).nodes.map((n: any) => n.id)).toContain(caseId);
      for (const text of [
        '芙蓉新村21幢',
        '芙蓉新村',
        '21幢1单元',
        P.name,
        '丽华',
        P.phone,
        '137-5710-8462',
        '19621230',
      ])
        for (const first of [1, 20])
          expect({ text, first, page: await page(token, text, first) }).toEqual({
            text,
            first,
            page: { totalCount: 0, nodes: [] },
          });
    },
  );
});

describe('text about a case the request cannot load', () => {
  it('is withheld whole, not passed with only shapes redacted (a lagging replica, a deleted row)', async () => {
    // the hub's own loaders and services on its database, as a request builds them
    const em = t.orm.em.fork();
    const { deps } = t.hub;
    const ctx = {
      actor: {
        userId: 'test:admin',
        name: '管理员',
        role: 'ADMIN',
        unitId: 0,
        unitCode: 'ZJ',
        unitKind: UnitKind.PETITION_AGENCY,
        unitPath: '',
      },
      em,
      services: createServices(em, deps),
      loaders: createLoaders(em, deps.unitTree),
    } as unknown as Context;
    const text = `经查，${P.name}所住芙蓉新村21幢1单元102室`;
    // a case it loads: redacted against its petitioner
    expect(await readerText(ctx, { caseIds: [Number(caseId)] }, text)).toBe('经查，沈**所住****');
    // a case it cannot load (no such row here): none of it
    expect(await readerText(ctx, { caseIds: [2_000_000_000] }, text)).toBe('****');
  });
});

describe('entitled readers see the original', () => {
  it('the handling unit officer reads facts, opinions and supervision text as written', async () => {
    const c = ok(await t.gql(QUERIES.terminatedCase.query, { id: caseId }, tokens.officer)).terminatedCase;
    expect(c.factsAndReasons).toBe(FACTS);
    expect(c.title).toBe('反对芙蓉新村21幢1单元加装电梯审批问题');
    expect(c.steps.map((s: any) => s.opinion)).toContain('复核维持；信访人身份证330102196212309387');
    expect(c.petitioner).toMatchObject({ clear: true, name: P.name, idNumber: P.idNumber });
    expect(c.followUp.returnVisits[0].opinions).toContain(P.phone);
    const orders = ok(
      await t.gql(
        `{ rectificationOrders { nodes { requirement finding { description } } } }`,
        {},
        tokens.officer,
      ),
    ).rectificationOrders.nodes;
    expect(orders[0].requirement).toContain(P.idNumber);
    expect(orders[0].finding.description).toContain(`泄露${P.name}`);
    const fb = ok(await t.gql(`{ publicFeedbackList { nodes { content answer } } }`, {}, tokens.officer))
      .publicFeedbackList.nodes[0];
    expect(fb.content).toContain(P.phone);
    // the submitter is the officer's to answer: in clear, so his name stays in the answer too
    expect(fb.answer).toContain('赵热心 13600001111');
  });

  it('the examining agency reviewer reads the facts as written', async () => {
    const c = ok(await t.gql(QUERIES.terminatedCase.query, { id: caseId }, tokens.reviewer)).terminatedCase;
    expect(c.factsAndReasons).toBe(FACTS);
  });

  it('the duplicate check still compares the clear text', async () => {
    const d = ok(
      await t.gql(
        `query($i: DuplicateCheckInput!) { checkDuplicate(input: $i) { verdict matches { sameIdentity case { id factsAndReasons } } } }`,
        { i: { idNumber: P.idNumber, content: FACTS } },
        tokens.staff,
      ),
    ).checkDuplicate;
    expect(d.verdict).toBe('DUPLICATE');
    expect(d.matches[0].case.id).toBe(caseId);
    expect(d.matches[0].case.factsAndReasons).toContain('住上城区****');
  });

  it('the other case stays whole for its own officer', async () => {
    const c = ok(
      await t.gql(`query($id: ID!) { case(id: $id) { title } }`, { id: otherCaseId }, tokens.wzOfficer),
    ).case;
    expect(c.title).toBe('反映老旧小区改造施工导致进水问题');
  });
});
