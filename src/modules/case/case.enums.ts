import { registerEnumType } from 'type-graphql';

export enum CaseStatus {
  IN_PROGRESS = 'IN_PROGRESS',
  TERMINATION_APPLIED = 'TERMINATION_APPLIED',
  TERMINATION_APPROVED = 'TERMINATION_APPROVED',
  TERMINATED = 'TERMINATED',
}
registerEnumType(CaseStatus, {
  name: 'CaseStatus',
  description: '信访事项状态',
  valuesConfig: {
    IN_PROGRESS: { description: '办理中（受理、办理、复查、复核）' },
    TERMINATION_APPLIED: { description: '已申请终结，待上一级信访工作机构审核' },
    TERMINATION_APPROVED: { description: '已批准终结，待告知信访人' },
    TERMINATED: { description: '已终结（已告知）' },
  },
});

export enum StepKind {
  ACCEPTANCE = 'ACCEPTANCE',
  HANDLING = 'HANDLING',
  REVIEW = 'REVIEW',
  RE_REVIEW = 'RE_REVIEW',
}
registerEnumType(StepKind, {
  name: 'StepKind',
  description: '办理环节',
  valuesConfig: {
    ACCEPTANCE: { description: '受理' },
    HANDLING: { description: '办理' },
    REVIEW: { description: '复查' },
    RE_REVIEW: { description: '复核' },
  },
});
export const STEP_ORDER: StepKind[] = [
  StepKind.ACCEPTANCE,
  StepKind.HANDLING,
  StepKind.REVIEW,
  StepKind.RE_REVIEW,
];
export const STEP_LABEL: Record<StepKind, string> = {
  ACCEPTANCE: '受理',
  HANDLING: '办理',
  REVIEW: '复查',
  RE_REVIEW: '复核',
};

/** What the case is waiting for now, with its statutory due date. */
export enum CurrentStep {
  HANDLING = 'HANDLING',
  AWAITING_REVIEW_REQUEST = 'AWAITING_REVIEW_REQUEST',
  HANDLING_OPINION_FINAL = 'HANDLING_OPINION_FINAL',
  REVIEW = 'REVIEW',
  AWAITING_RE_REVIEW_REQUEST = 'AWAITING_RE_REVIEW_REQUEST',
  RE_REVIEW = 'RE_REVIEW',
  PROCEDURE_COMPLETE = 'PROCEDURE_COMPLETE',
  TERMINATION_EXAMINATION = 'TERMINATION_EXAMINATION',
  NOTIFICATION = 'NOTIFICATION',
  TERMINATED = 'TERMINATED',
}
registerEnumType(CurrentStep, {
  name: 'CurrentStep',
  description: '当前环节',
  valuesConfig: {
    HANDLING: { description: '办理中（办理期限自受理起计算）' },
    AWAITING_REVIEW_REQUEST: {
      description: '等待信访人申请复查（申请期限内；已记录正当理由的，期限过后仍可申请）',
    },
    HANDLING_OPINION_FINAL: {
      description:
        '办理意见已生效：送达后申请复查的期限已过，信访人未申请复查，亦无正当理由（未经复查，不符合信访终结条件）',
    },
    REVIEW: { description: '复查中' },
    AWAITING_RE_REVIEW_REQUEST: {
      description: '等待信访人申请复核（申请期限内；已记录正当理由的，期限过后仍可申请）',
    },
    RE_REVIEW: { description: '复核中' },
    PROCEDURE_COMPLETE: {
      description:
        '程序已走完：复查意见送达后申请复核的期限已过且无正当理由（可按 NO_NEW_REQUEST_IN_TIME 申请终结），或复核意见已作出（信访人以同一事实和理由再次提出，或复核意见送达后期限内未提出新的请求，即可申请终结）',
    },
    TERMINATION_EXAMINATION: { description: '终结申请待审核' },
    NOTIFICATION: { description: '终结已批准，待告知信访人' },
    TERMINATED: { description: '已终结' },
  },
});

export enum Category {
  LAND_ACQUISITION_DEMOLITION = 'LAND_ACQUISITION_DEMOLITION',
  LABOR_SOCIAL_SECURITY = 'LABOR_SOCIAL_SECURITY',
  URBAN_CONSTRUCTION_HOUSING = 'URBAN_CONSTRUCTION_HOUSING',
  ENVIRONMENT = 'ENVIRONMENT',
  HEALTHCARE = 'HEALTHCARE',
  EDUCATION = 'EDUCATION',
  RURAL_AGRICULTURE = 'RURAL_AGRICULTURE',
  ENTERPRISE_RESTRUCTURING = 'ENTERPRISE_RESTRUCTURING',
  LAW_LITIGATION = 'LAW_LITIGATION',
  VETERANS = 'VETERANS',
  CIVIL_AFFAIRS = 'CIVIL_AFFAIRS',
  MARKET_REGULATION = 'MARKET_REGULATION',
  TRANSPORT = 'TRANSPORT',
}
registerEnumType(Category, {
  name: 'Category',
  description: '信访事项类别',
  valuesConfig: {
    LAND_ACQUISITION_DEMOLITION: { description: '征地拆迁' },
    LABOR_SOCIAL_SECURITY: { description: '劳动和社会保障' },
    URBAN_CONSTRUCTION_HOUSING: { description: '城乡建设和住房' },
    ENVIRONMENT: { description: '生态环境' },
    HEALTHCARE: { description: '卫生健康' },
    EDUCATION: { description: '教育' },
    RURAL_AGRICULTURE: { description: '农村农业' },
    ENTERPRISE_RESTRUCTURING: { description: '企业改制' },
    LAW_LITIGATION: { description: '政法（涉法涉诉）' },
    VETERANS: { description: '退役军人' },
    CIVIL_AFFAIRS: { description: '民政' },
    MARKET_REGULATION: { description: '市场监管' },
    TRANSPORT: { description: '交通运输' },
  },
});

export enum TerminationCondition {
  REPEAT_AFTER_RE_REVIEW = 'REPEAT_AFTER_RE_REVIEW',
  NO_NEW_REQUEST_IN_TIME = 'NO_NEW_REQUEST_IN_TIME',
}
registerEnumType(TerminationCondition, {
  name: 'TerminationCondition',
  description: '信访终结条件',
  valuesConfig: {
    REPEAT_AFTER_RE_REVIEW: { description: '经受理、办理、复查、复核后，信访人以同一事实和理由再次提出' },
    NO_NEW_REQUEST_IN_TIME: { description: '复查（复核）意见送达后，法定期限内未提出新的请求且无正当理由' },
  },
});

export enum ApplicationStatus {
  PENDING = 'PENDING',
  APPROVED = 'APPROVED',
  RETURNED = 'RETURNED',
}
registerEnumType(ApplicationStatus, {
  name: 'ApplicationStatus',
  description: '终结申请状态',
  valuesConfig: {
    PENDING: { description: '待审核' },
    APPROVED: { description: '已批准' },
    RETURNED: { description: '已退回' },
  },
});

export enum DeliveryMethod {
  IN_PERSON = 'IN_PERSON',
  POST = 'POST',
  ELECTRONIC = 'ELECTRONIC',
  PUBLIC_NOTICE = 'PUBLIC_NOTICE',
}
registerEnumType(DeliveryMethod, {
  name: 'DeliveryMethod',
  description: '告知送达方式',
  valuesConfig: {
    IN_PERSON: { description: '直接送达' },
    POST: { description: '邮寄送达' },
    ELECTRONIC: { description: '电子送达' },
    PUBLIC_NOTICE: { description: '公告送达' },
  },
});
