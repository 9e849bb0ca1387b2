import { registerEnumType } from 'type-graphql';

/** Kinds of archived document; the first eight are the seed's required contents (DESIGN.md §2.3). */
export enum ArchiveItemKind {
  PETITIONER_INFO = 'PETITIONER_INFO',
  ACCEPTANCE = 'ACCEPTANCE',
  HANDLING = 'HANDLING',
  REVIEW = 'REVIEW',
  RE_REVIEW = 'RE_REVIEW',
  APPLICATION = 'APPLICATION',
  DECISION = 'DECISION',
  NOTIFICATION = 'NOTIFICATION',
  OTHER = 'OTHER',
}
export const ARCHIVE_ITEM_LABEL: Record<ArchiveItemKind, string> = {
  PETITIONER_INFO: '信访人基本情况',
  ACCEPTANCE: '受理材料',
  HANDLING: '办理材料',
  REVIEW: '复查材料',
  RE_REVIEW: '复核材料',
  APPLICATION: '信访终结申请表',
  DECISION: '信访终结决定',
  NOTIFICATION: '告知记录',
  OTHER: '其他材料',
};
registerEnumType(ArchiveItemKind, {
  name: 'ArchiveItemKind',
  description: '信访终结档案材料类别',
  valuesConfig: Object.fromEntries(
    Object.entries(ARCHIVE_ITEM_LABEL).map(([k, v]) => [
      k,
      { description: k === 'OTHER' ? `${v}（非必备）` : k === 'RE_REVIEW' ? `${v}（经复核的事项必备）` : v },
    ]),
  ),
});

export enum VisitMethod {
  PHONE = 'PHONE',
  HOME_VISIT = 'HOME_VISIT',
  OFFICE_TALK = 'OFFICE_TALK',
}
registerEnumType(VisitMethod, {
  name: 'VisitMethod',
  description: '回访方式',
  valuesConfig: {
    PHONE: { description: '电话回访' },
    HOME_VISIT: { description: '上门走访' },
    OFFICE_TALK: { description: '约谈（来单位面谈）' },
  },
});

export enum VisitSlotStatus {
  COMPLETED = 'COMPLETED',
  COMPLETED_LATE = 'COMPLETED_LATE',
  OVERDUE = 'OVERDUE',
  PENDING = 'PENDING',
}
registerEnumType(VisitSlotStatus, {
  name: 'VisitSlotStatus',
  description: '应回访期次的状态',
  valuesConfig: {
    COMPLETED: { description: '已按期回访' },
    COMPLETED_LATE: { description: '已回访，但晚于应回访日期' },
    OVERDUE: { description: '已超过应回访日期，尚未回访' },
    PENDING: { description: '未到应回访日期' },
  },
});

export enum RiskLevel {
  LOW = 'LOW',
  MEDIUM = 'MEDIUM',
  HIGH = 'HIGH',
}
registerEnumType(RiskLevel, {
  name: 'RiskLevel',
  description: '风险等级',
  valuesConfig: {
    LOW: { description: '低' },
    MEDIUM: { description: '中' },
    HIGH: { description: '高' },
  },
});

export enum EscalationKind {
  NEW_DEMAND = 'NEW_DEMAND',
  LIKELY_NEW_ISSUE = 'LIKELY_NEW_ISSUE',
}
registerEnumType(EscalationKind, {
  name: 'EscalationKind',
  description: '报告上级的情形',
  valuesConfig: {
    NEW_DEMAND: { description: '信访人提出新的诉求' },
    LIKELY_NEW_ISSUE: { description: '可能引发新的问题' },
  },
});

export enum EscalationStatus {
  REPORTED = 'REPORTED',
  ACKNOWLEDGED = 'ACKNOWLEDGED',
  RESOLVED = 'RESOLVED',
}
registerEnumType(EscalationStatus, {
  name: 'EscalationStatus',
  description: '报告处理状态（REPORTED → ACKNOWLEDGED → RESOLVED）',
  valuesConfig: {
    REPORTED: { description: '已报告，待上一级信访工作机构签收' },
    ACKNOWLEDGED: { description: '已签收，处理中' },
    RESOLVED: { description: '已办结' },
  },
});

export enum EscalationOutcome {
  HANDLED = 'HANDLED',
  NEW_CASE_REGISTERED = 'NEW_CASE_REGISTERED',
}
registerEnumType(EscalationOutcome, {
  name: 'EscalationOutcome',
  description: '办结方式',
  valuesConfig: {
    HANDLED: { description: '在后续管理中化解或答复（不构成新的信访事项），须写明所采取的措施' },
    NEW_CASE_REGISTERED: { description: '属于新的信访事项，已登记为新事项（与原终结事项关联）' },
  },
});
