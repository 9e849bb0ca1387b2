import { registerEnumType } from 'type-graphql';

/*
 * Supervision (DESIGN.md §2.4, seed §4–§5): inspections with findings and rectification orders,
 * staff accountability, public feedback about the follow-up work.
 */

export enum InspectionStatus {
  IN_PROGRESS = 'IN_PROGRESS',
  CONCLUDED = 'CONCLUDED',
}
registerEnumType(InspectionStatus, {
  name: 'InspectionStatus',
  description: '检查状态（IN_PROGRESS → CONCLUDED）',
  valuesConfig: {
    IN_PROGRESS: { description: '检查中：可记录问题、下达整改通知' },
    CONCLUDED: { description: '已结束（已作出检查结论）；整改的完成和核查照常进行' },
  },
});

/** What a finding is about: one record of the follow-up work, or the case as a whole. */
export enum FindingTargetKind {
  CASE = 'CASE',
  ARCHIVE = 'ARCHIVE',
  RETURN_VISIT = 'RETURN_VISIT',
  TRACKING_RECORD = 'TRACKING_RECORD',
  ESCALATION_REPORT = 'ESCALATION_REPORT',
}
export const FINDING_TARGET_LABEL: Record<FindingTargetKind, string> = {
  CASE: '信访事项',
  ARCHIVE: '信访终结档案',
  RETURN_VISIT: '回访记录',
  TRACKING_RECORD: '动态跟踪记录',
  ESCALATION_REPORT: '报告上级记录',
};
registerEnumType(FindingTargetKind, {
  name: 'FindingTargetKind',
  description: '检查发现的问题所针对的对象',
  valuesConfig: Object.fromEntries(
    Object.entries(FINDING_TARGET_LABEL).map(([k, v]) => [k, { description: v }]),
  ),
});

export enum FindingProblem {
  OVERDUE_VISIT = 'OVERDUE_VISIT',
  INCOMPLETE_ARCHIVE = 'INCOMPLETE_ARCHIVE',
  STALE_TRACKING = 'STALE_TRACKING',
  ESCALATION_DELAY = 'ESCALATION_DELAY',
  INACCURATE_RECORD = 'INACCURATE_RECORD',
  OTHER = 'OTHER',
}
export const FINDING_PROBLEM_LABEL: Record<FindingProblem, string> = {
  OVERDUE_VISIT: '未按期回访',
  INCOMPLETE_ARCHIVE: '档案材料不全',
  STALE_TRACKING: '动态跟踪不及时',
  ESCALATION_DELAY: '报告上级或处理不及时',
  INACCURATE_RECORD: '记录不实或不规范',
  OTHER: '其他问题',
};
registerEnumType(FindingProblem, {
  name: 'FindingProblem',
  description: '问题类别',
  valuesConfig: Object.fromEntries(
    Object.entries(FINDING_PROBLEM_LABEL).map(([k, v]) => [k, { description: v }]),
  ),
});

export enum RectificationStatus {
  ISSUED = 'ISSUED',
  COMPLETED = 'COMPLETED',
  VERIFIED = 'VERIFIED',
  REJECTED = 'REJECTED',
}
registerEnumType(RectificationStatus, {
  name: 'RectificationStatus',
  description: '整改状态（ISSUED → COMPLETED → VERIFIED 或 REJECTED）',
  valuesConfig: {
    ISSUED: { description: '已下达，待责任单位整改' },
    COMPLETED: { description: '责任单位已报告整改完成，待检查人员核查' },
    VERIFIED: { description: '核查通过，整改完毕' },
    REJECTED: { description: '核查未通过（可另行下达整改通知，注明所接续的通知）' },
  },
});

/** 责任追究: the seed's misconduct (§4.2). */
export enum Misconduct {
  PERFUNCTORY = 'PERFUNCTORY',
  BUCK_PASSING = 'BUCK_PASSING',
  FALSIFICATION = 'FALSIFICATION',
  PERSONAL_DATA_LEAK = 'PERSONAL_DATA_LEAK',
}
export const MISCONDUCT_LABEL: Record<Misconduct, string> = {
  PERFUNCTORY: '敷衍塞责',
  BUCK_PASSING: '推诿扯皮',
  FALSIFICATION: '弄虚作假',
  PERSONAL_DATA_LEAK: '泄露个人信息',
};
registerEnumType(Misconduct, {
  name: 'Misconduct',
  description: '应予追究责任的情形',
  valuesConfig: Object.fromEntries(Object.entries(MISCONDUCT_LABEL).map(([k, v]) => [k, { description: v }])),
});

/** 责任追究: the seed's measures (§4.2), mildest first. */
export enum AccountabilityMeasure {
  CRITICISM_EDUCATION = 'CRITICISM_EDUCATION',
  WRITTEN_SELF_CRITICISM = 'WRITTEN_SELF_CRITICISM',
  PUBLIC_CRITICISM = 'PUBLIC_CRITICISM',
  ADMONITION_TALK = 'ADMONITION_TALK',
  DISCIPLINARY_SANCTION = 'DISCIPLINARY_SANCTION',
  TRANSFER_TO_JUDICIARY = 'TRANSFER_TO_JUDICIARY',
}
export const MEASURE_LABEL: Record<AccountabilityMeasure, string> = {
  CRITICISM_EDUCATION: '批评教育',
  WRITTEN_SELF_CRITICISM: '责令书面检查',
  PUBLIC_CRITICISM: '通报批评',
  ADMONITION_TALK: '诫勉谈话',
  DISCIPLINARY_SANCTION: '党纪政纪处分',
  TRANSFER_TO_JUDICIARY: '移送司法机关',
};
registerEnumType(AccountabilityMeasure, {
  name: 'AccountabilityMeasure',
  description: '责任追究措施',
  valuesConfig: Object.fromEntries(Object.entries(MEASURE_LABEL).map(([k, v]) => [k, { description: v }])),
});

export enum FeedbackChannel {
  PHONE = 'PHONE',
  LETTER = 'LETTER',
  VISIT = 'VISIT',
  ONLINE = 'ONLINE',
  OTHER = 'OTHER',
}
registerEnumType(FeedbackChannel, {
  name: 'FeedbackChannel',
  description: '社会监督意见的来源渠道',
  valuesConfig: {
    PHONE: { description: '来电（含热线）' },
    LETTER: { description: '来信' },
    VISIT: { description: '来访' },
    ONLINE: { description: '网上' },
    OTHER: { description: '其他' },
  },
});

export enum FeedbackStatus {
  RECEIVED = 'RECEIVED',
  ASSIGNED = 'ASSIGNED',
  ANSWERED = 'ANSWERED',
  CLOSED = 'CLOSED',
}
registerEnumType(FeedbackStatus, {
  name: 'FeedbackStatus',
  description: '社会监督意见的办理状态（RECEIVED → ASSIGNED → ANSWERED → CLOSED）',
  valuesConfig: {
    RECEIVED: { description: '已登记，待交办' },
    ASSIGNED: { description: '已交办，待承办单位答复（答复前可改交其他单位）' },
    ANSWERED: { description: '承办单位已答复，待办结' },
    CLOSED: { description: '已办结' },
  },
});

export enum FeedbackSatisfaction {
  SATISFIED = 'SATISFIED',
  BASICALLY_SATISFIED = 'BASICALLY_SATISFIED',
  DISSATISFIED = 'DISSATISFIED',
  UNKNOWN = 'UNKNOWN',
}
registerEnumType(FeedbackSatisfaction, {
  name: 'FeedbackSatisfaction',
  description: '反馈人对答复的评价',
  valuesConfig: {
    SATISFIED: { description: '满意' },
    BASICALLY_SATISFIED: { description: '基本满意' },
    DISSATISFIED: { description: '不满意' },
    UNKNOWN: { description: '未评价（匿名或无法联系）' },
  },
});
