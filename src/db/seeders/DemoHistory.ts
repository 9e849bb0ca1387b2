import type { EntityManager } from '@mikro-orm/postgresql';
import type { Actor } from '../../auth/actor';
import { AuditService, type AuditActor } from '../../modules/audit/audit.service';
import { PetitionCase } from '../../modules/case/case.entity';
import { Category, TerminationCondition } from '../../modules/case/case.enums';
import {
  ArchiveItemKind,
  EscalationKind,
  EscalationOutcome,
  RiskLevel,
  VisitMethod,
} from '../../modules/followup/followup.enums';
import { importData, validateImportFile } from '../../modules/import/import.service';
import {
  AccountabilityMeasure,
  FeedbackChannel,
  FeedbackSatisfaction,
  FindingProblem,
  FindingTargetKind,
  Misconduct,
} from '../../modules/supervision/supervision.enums';
import { createServices } from '../../services';
import type { Deps } from '../../shared/deps';
import { addDays, todayInChina } from '../../shared/dates';
import { demoActor, demoIdNumber } from './demo';

/** The first case of the history; present means the history was seeded (it is one transaction). */
export const HISTORY_MARKER_REF = 'DEMO-11';

/**
 * A year of follow-up history, all dated relative to the day of seeding, so that every
 * supervision query of the demo supervisor (ZJ) has something to show:
 *
 *   case     unit          terminated  visits              tracking           escalation
 *   DEMO-11  ZJ-HZ-ZJ      T-275       none (3 overdue)    T-240 (stale)      T-49 ACKNOWLEDGED
 *   DEMO-12  ZJ-HZ-ZJ      T-158       T-140, T-30 (late)  T-100, T-20        T-21 REPORTED
 *   DEMO-13  ZJ-WZ-OH-ZJ   T-148       T-125 (1 overdue)   T-90 (stale)       T-59 RESOLVED
 *
 * The three cases come in through the historical import (past termination dates, decision
 * numbers after those already used). Archives: DEMO-12 complete, DEMO-13 partial, DEMO-11 empty.
 * An inspection of 杭州市 by the province (created T-58) has two findings: DEMO-11's incomplete
 * archive, with a rectification order due T-26 and never reported done (overdue) and an
 * accountability record; and a DEMO-12 visit record, put right and verified. Public feedback:
 * one closed (T-45), one assigned to 瓯海区住建局 and open (T-10). On the day of seeding, a
 * department looks up two petitions (duplicate checks) and the supervisor reveals one petitioner.
 *
 * Past records are written through the services on a clock set to their day (so every domain
 * rule applies as it would have then), each audited at the real time of seeding.
 */
export async function seedDemoHistory(em: EntityManager, deps: Deps): Promise<boolean> {
  if (await em.findOne(PetitionCase, { externalRef: HISTORY_MARKER_REF })) return false;
  await em.transactional(async (tem) => {
    const T = todayInChina(deps.now());
    const day = (n: number) => addDays(T, -n);
    const audit = new AuditService(tem, deps.now);
    /** The services as of noon (China time) `n` days ago. */
    const on = (n: number) => {
      const clock = new Date(`${day(n)}T12:00:00+08:00`);
      return createServices(tem, { ...deps, now: () => clock }, audit);
    };
    const s = createServices(tem, deps, audit);
    const unit = async (code: string) => (await s.units.byCode(code))!;
    const hzOfficer = demoActor(await unit('ZJ-HZ-ZJ'), 'CASE_OFFICER', '演示经办人员');
    const hzReviewer = demoActor(await unit('ZJ-HZ'), 'AGENCY_REVIEWER', '演示审核人员');
    const ohOfficer = demoActor(await unit('ZJ-WZ-OH-ZJ'), 'CASE_OFFICER', '瓯海区住建局经办人员');
    const ohReviewer = demoActor(await unit('ZJ-WZ-OH'), 'AGENCY_REVIEWER', '瓯海区信访局审核人员');
    const supervisor = demoActor(await unit('ZJ'), 'SUPERVISOR', '省信访局监督检查人员');
    const staff = demoActor(await unit('ZJ-HZ-RS'), 'DEPARTMENT_STAFF', '杭州市人社局工作人员');

    // ---- the terminated cases, through the historical import ----
    const decision = await decisionNumbers(tem);
    const history = [
      {
        kind: 'case',
        externalRef: 'DEMO-11',
        handlingUnitCode: 'ZJ-HZ-ZJ',
        petitioner: {
          name: '何国庆',
          idNumber: demoIdNumber('19570812', 11),
          phone: '13805710188',
          address: '浙江省杭州市拱墅区大关路58号3幢502室',
        },
        category: Category.URBAN_CONSTRUCTION_HOUSING,
        title: '反映老旧小区改造中屋顶漏水未修复',
        factsAndReasons:
          '信访人所住大关小区3幢在老旧小区综合改造后屋顶仍然漏水，多次向街道和施工单位反映，施工单位称已过保修期不再维修。',
        requests: '要求施工单位修复屋顶并赔偿室内装修损失',
        acceptedAt: day(420),
        handledAt: day(370),
        handlingOpinion: '责成施工单位对3幢屋顶防水进行检测并修复，装修损失赔偿诉求不予支持。',
        reviewedAt: day(330),
        reviewOpinion: '复查认为办理意见认定事实清楚，维持原办理意见。',
        termination: {
          condition: TerminationCondition.NO_NEW_REQUEST_IN_TIME,
          decisionNumber: decision('ZJ-HZ', day(280)),
          approvedAt: day(280),
          approvingUnitCode: 'ZJ-HZ',
          notifiedAt: day(275),
        },
      },
      {
        kind: 'case',
        externalRef: 'DEMO-12',
        handlingUnitCode: 'ZJ-HZ-ZJ',
        petitioner: {
          name: '章丽萍',
          idNumber: demoIdNumber('19661104', 12),
          phone: '13905712266',
          address: '浙江省杭州市上城区望江路120号2幢1单元301室',
        },
        category: Category.URBAN_CONSTRUCTION_HOUSING,
        title: '反映安置房产权证迟迟未办理',
        factsAndReasons:
          '信访人2018年拆迁后安置于望江家园2幢301室，至今未取得不动产权证，影响子女入学和房屋出租，开发主体称手续不全。',
        requests: '要求尽快办理安置房不动产权证',
        acceptedAt: day(300),
        handledAt: day(260),
        handlingOpinion: '安置房所在地块土地手续正在补办，补办完成后统一办理产权证。',
        reviewedAt: day(220),
        reviewOpinion: '复查维持办理意见，并要求明确补办时限。',
        reReviewedAt: day(180),
        reReviewOpinion: '复核维持复查意见。',
        termination: {
          condition: TerminationCondition.REPEAT_AFTER_RE_REVIEW,
          decisionNumber: decision('ZJ-HZ', day(160)),
          approvedAt: day(160),
          approvingUnitCode: 'ZJ-HZ',
          notifiedAt: day(158),
        },
      },
      {
        kind: 'case',
        externalRef: 'DEMO-13',
        handlingUnitCode: 'ZJ-WZ-OH-ZJ',
        petitioner: {
          name: '林志明',
          idNumber: demoIdNumber('19720226', 13),
          phone: '13757712345',
          address: '浙江省温州市瓯海区娄桥街道古岸头村88号',
        },
        category: Category.URBAN_CONSTRUCTION_HOUSING,
        title: '反映农房改造补助资金未足额发放',
        factsAndReasons:
          '信访人2021年参加农村危旧房改造，按政策应得补助3.5万元，实际只收到2万元，村委会和街道相互推诿。',
        requests: '要求补发剩余补助资金1.5万元',
        acceptedAt: day(260),
        handledAt: day(220),
        handlingOpinion: '经核查，补助按验收等级核定为2万元，已足额发放。',
        reviewedAt: day(190),
        reviewOpinion: '复查维持办理意见。',
        termination: {
          condition: TerminationCondition.NO_NEW_REQUEST_IN_TIME,
          decisionNumber: decision('ZJ-WZ-OH', day(150)),
          approvedAt: day(150),
          approvingUnitCode: 'ZJ-WZ-OH',
          notifiedAt: day(148),
        },
      },
    ];
    const parsed = await validateImportFile(
      history.map((h) => JSON.stringify(h)),
      { em: tem, now: deps.now },
    );
    const seeder: AuditActor = { userId: 'system:seed', name: '演示数据', role: 'ADMIN', unitCode: 'ZJ' };
    await importData(tem, deps, seeder, parsed, undefined, { fileName: 'demo-seed' });
    const caseId = async (ref: string) => (await tem.findOneOrFail(PetitionCase, { externalRef: ref })).id;
    const [c11, c12, c13] = [await caseId('DEMO-11'), await caseId('DEMO-12'), await caseId('DEMO-13')];

    // ---- archives ----
    const doc = (n: number, officer: Actor, id: number, kind: ArchiveItemKind, title: string) =>
      on(n).followup.archive.addDocument(officer, {
        caseId: id,
        kind,
        title,
        documentDate: day(n),
        issuingUnit:
          officer.unitCode === 'ZJ-HZ-ZJ' ? '杭州市住房和城乡建设局' : '温州市瓯海区住房和城乡建设局',
        text: `${title}（演示材料，原件存纸质档案）`,
      });
    const allItems: [ArchiveItemKind, string][] = [
      [ArchiveItemKind.PETITIONER_INFO, '信访人基本情况登记表'],
      [ArchiveItemKind.ACCEPTANCE, '受理告知书'],
      [ArchiveItemKind.HANDLING, '信访事项处理意见书'],
      [ArchiveItemKind.REVIEW, '信访事项复查意见书'],
      [ArchiveItemKind.RE_REVIEW, '信访事项复核意见书'],
      [ArchiveItemKind.APPLICATION, '信访终结申请表'],
      [ArchiveItemKind.DECISION, '信访终结决定书'],
      [ArchiveItemKind.NOTIFICATION, '信访终结告知记录'],
    ];
    for (const [kind, title] of allItems) await doc(150, hzOfficer, c12, kind, title);
    for (const [kind, title] of allItems.slice(0, 4)) await doc(140, ohOfficer, c13, kind, title);

    // ---- return visits ----
    const visit = (n: number, officer: Actor, id: number, method: VisitMethod) =>
      on(n).followup.visits.record(officer, {
        caseId: id,
        visitedAt: new Date(`${day(n)}T10:00:00+08:00`),
        method,
        opinions: '信访人对终结结论仍有不同看法，但表示理解。',
        situation: '思想稳定，生活正常，与家人同住。',
        explanation: '再次说明终结后不再受理同一事实和理由的信访，并告知其他合法诉求渠道。',
      });
    await visit(140, hzOfficer, c12, VisitMethod.HOME_VISIT);
    await visit(30, hzOfficer, c12, VisitMethod.PHONE);
    await visit(125, ohOfficer, c13, VisitMethod.OFFICE_TALK);

    // ---- tracking ----
    const track = (n: number, officer: Actor, id: number, riskLevel: RiskLevel, situation: string) =>
      on(n).followup.tracking.record(officer, { caseId: id, observedOn: day(n), riskLevel, situation });
    await track(240, hzOfficer, c11, RiskLevel.LOW, '信访人情绪平稳，未再反映。');
    await track(100, hzOfficer, c12, RiskLevel.MEDIUM, '信访人多次询问产权证办理进度。');
    await track(20, hzOfficer, c12, RiskLevel.LOW, '土地手续已补办完成，信访人表示等待办证。');
    await track(90, ohOfficer, c13, RiskLevel.LOW, '信访人外出务工，家属称无新的诉求。');

    // ---- escalation reports ----
    const report = (n: number, officer: Actor, id: number, kind: EscalationKind, description: string) =>
      on(n).followup.escalations.report(officer, {
        caseId: id,
        kind,
        discoveredOn: day(n + 1),
        description,
        measuresTaken: '已当面做解释疏导工作，并报告上一级信访工作机构。',
      });
    const e11 = await report(
      49,
      hzOfficer,
      c11,
      EscalationKind.NEW_DEMAND,
      '信访人提出屋顶再次漏水造成新的损失。',
    );
    await on(45).followup.escalations.acknowledge(hzReviewer, {
      reportId: e11.id,
      measures: '已签收，责成住建局会同街道现场核实。',
    });
    await report(21, hzOfficer, c12, EscalationKind.LIKELY_NEW_ISSUE, '小区多户安置户酝酿联名反映办证问题。');
    const e13 = await report(
      59,
      ohOfficer,
      c13,
      EscalationKind.NEW_DEMAND,
      '信访人提出补助标准应按新政策执行。',
    );
    await on(55).followup.escalations.acknowledge(ohReviewer, { reportId: e13.id, measures: '已签收。' });
    await on(40).followup.escalations.resolve(ohReviewer, {
      reportId: e13.id,
      outcome: EscalationOutcome.HANDLED,
      measures: '经核实新政策不溯及既往，已向信访人解释，信访人表示接受。',
    });

    // ---- an inspection with findings, rectification and accountability ----
    const inspection = await on(58).supervision.inspections.create(supervisor, {
      title: '杭州市信访终结事项后续管理专项检查',
      scopeUnitCode: 'ZJ-HZ',
      periodFrom: day(400),
      periodTo: day(60),
      inspectors: ['郑监督', '冯监督'],
    });
    const { archive: archive11 } = await s.followup.archive.followUp(hzOfficer, c11);
    const f1 = await on(57).supervision.inspections.addFinding(supervisor, {
      inspectionId: inspection.id,
      targetKind: FindingTargetKind.ARCHIVE,
      targetId: archive11.id,
      problem: FindingProblem.INCOMPLETE_ARCHIVE,
      description: '终结档案未归集任何材料，终结决定、告知记录均缺失。',
    });
    const f2 = await on(57).supervision.inspections.addFinding(supervisor, {
      inspectionId: inspection.id,
      targetKind: FindingTargetKind.CASE,
      targetId: c12,
      problem: FindingProblem.INACCURATE_RECORD,
      description: '首次回访记录未写明信访人提出的建议。',
    });
    await on(56).supervision.inspections.issueOrder(supervisor, {
      findingId: f1.id,
      requirement: '30日内补齐终结档案全部必备材料。',
      deadline: day(26),
    });
    const o2 = await on(56).supervision.inspections.issueOrder(supervisor, {
      findingId: f2.id,
      requirement: '补充完善回访记录，并对经办人员进行培训。',
      deadline: day(36),
    });
    await on(40).supervision.inspections.reportCompletion(hzOfficer, {
      orderId: o2.id,
      report: '已组织补充回访记录，并开展业务培训。',
      completedOn: day(40),
    });
    await on(35).supervision.inspections.verify(supervisor, {
      orderId: o2.id,
      passed: true,
      opinion: '经核查，整改到位。',
    });
    await on(30).supervision.accountability.record(supervisor, {
      findingId: f1.id,
      staffName: '演示经办人员',
      staffUnitCode: 'ZJ-HZ-ZJ',
      misconduct: Misconduct.PERFUNCTORY,
      measure: AccountabilityMeasure.CRITICISM_EDUCATION,
      facts: '终结后未按规定归集档案材料，经督促仍未整改。',
      decidedOn: day(30),
      decisionRef: '浙信督〔演示〕1号',
    });

    // ---- public feedback ----
    const fb1 = await on(45).supervision.feedback.record(supervisor, {
      receivedOn: day(45),
      channel: FeedbackChannel.PHONE,
      sourceRef: 'DEMO-FB-1',
      submitterName: '冯建华',
      submitterPhone: '13805719876',
      content: '反映回访人员态度敷衍，没有听取意见。',
      caseId: c12,
    });
    await on(44).supervision.feedback.assign(supervisor, {
      feedbackId: fb1.id,
      unitCode: 'ZJ-HZ-ZJ',
      note: '请核实并答复。',
    });
    await on(38).supervision.feedback.answer(hzOfficer, {
      feedbackId: fb1.id,
      answer: '已约谈回访人员，并重新上门回访，听取信访人意见。',
    });
    await on(36).supervision.feedback.close(supervisor, {
      feedbackId: fb1.id,
      satisfaction: FeedbackSatisfaction.SATISFIED,
      note: '反馈人表示满意。',
    });
    const fb2 = await on(10).supervision.feedback.record(supervisor, {
      receivedOn: day(10),
      channel: FeedbackChannel.LETTER,
      sourceRef: 'DEMO-FB-2',
      content: '来信反映瓯海区有关部门对终结事项的跟踪走过场。',
      unitCode: 'ZJ-WZ-OH-ZJ',
    });
    await on(9).supervision.feedback.assign(supervisor, {
      feedbackId: fb2.id,
      unitCode: 'ZJ-WZ-OH-ZJ',
      note: null,
    });

    // ---- today's look-ups (what the look-up activity inspection counts) ----
    await s.sharing.checkDuplicate(staff, {
      idNumber: demoIdNumber('19661104', 12),
      content: '我2018年拆迁后安置到望江家园2幢301室，到现在还没有拿到不动产权证，孩子上学和出租都受影响。',
    });
    await s.sharing.checkDuplicate(staff, {
      name: '许文斌',
      phone: '13606716543',
      content: '单位拖欠本人2025年下半年工资共计4.2万元，多次讨要未果。',
    });
    await s.sharing.reveal(supervisor, c11, '核实专项检查发现的档案问题，需确认信访人身份');
  });
  return true;
}

/**
 * Decision numbers for the imported decisions: in each agency's own historical wording (the
 * import treats a decision number as unique across agencies), numbered per agency and year after
 * those already issued, so later approvals continue the count.
 */
async function decisionNumbers(em: EntityManager) {
  const prefix: Record<string, string> = { 'ZJ-HZ': '杭信终字', 'ZJ-WZ-OH': '瓯信终字' };
  const next = new Map<string, number>();
  const rows = await em.execute<{ code: string; year: number; last_n: number }[]>(
    `select u.code, c.year, c.last_n from decision_number_counter c join unit u on u.id = c.agency_unit_id`,
  );
  for (const r of rows) next.set(`${r.code}:${r.year}`, r.last_n);
  return (agencyCode: string, approvedOn: string) => {
    const year = Number(approvedOn.slice(0, 4));
    const key = `${agencyCode}:${year}`;
    const n = (next.get(key) ?? 0) + 1;
    next.set(key, n);
    return `${prefix[agencyCode]}〔${year}〕第${n}号`;
  };
}
