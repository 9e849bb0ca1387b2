import { Field, Float, Int, ObjectType } from 'type-graphql';
import { Connection, PageInfo } from '../../../graphql/connection';
import { Cost } from '../../../graphql/cost';
import { PetitionCase } from '../../case/case.entity';
import { EscalationReport } from '../../followup/followup.entity';
import { ArchiveItemKind, RiskLevel } from '../../followup/followup.enums';
import { Unit } from '../../org/unit.entity';
import { AccountabilityRecord, Inspection, PublicFeedback, RectificationOrder } from '../supervision.entity';
import { AccountabilityMeasure, Misconduct } from '../supervision.enums';
import { LocalDate } from '../../../graphql/scalars/local-date';

/*
 * The supervision module's GraphQL object types that are not entities: the rows of the inspection
 * queries, the statistics and the periodic report, and the connections of its lists. The entities
 * (Inspection, InspectionFinding, RectificationOrder, AccountabilityRecord, PublicFeedback) are
 * object types themselves (supervision.entity.ts); their computed fields are in the resolvers.
 */

// ---------------------------------------------------------------------------------------------
// Inspection queries: node types
// ---------------------------------------------------------------------------------------------

@ObjectType('InspectionVisitSlot', { description: '一期应回访' })
export class InspectionVisitSlot {
  @Field(() => Int, { description: '期次，从 1 起' })
  index!: number;
  @Field(() => LocalDate, { description: '本期开始日期' })
  windowStart!: string;
  @Field(() => LocalDate, { description: '应回访日期（最迟）' })
  dueDate!: string;
}

@ObjectType('OverdueVisitCase', { description: '有超期未回访的已终结事项' })
export class OverdueVisitCase {
  @Field(() => PetitionCase, { description: '已终结的信访事项（信访人信息按权限脱敏）' })
  case!: PetitionCase;
  @Field(() => LocalDate, { description: '终结日期' })
  terminatedAt!: string;
  @Field(() => LocalDate, { description: '最早一期超期的应回访日期' })
  oldestDueDate!: string;
  @Field(() => Int, { description: '最早一期已超期的天数' })
  daysOverdue!: number;
  @Cost({ assumedSize: 5 }) // bounded by the configured visit policy
  @Field(() => [InspectionVisitSlot], { description: '应回访日期在期间内、已超期未回访的各期' })
  overdue!: InspectionVisitSlot[];
  @Field(() => Int, { description: '已记录的回访次数' })
  visitsRecorded!: number;
  @Field(() => LocalDate, { nullable: true, description: '最近一次回访日期' })
  lastVisitedOn!: string | null;
}

@ObjectType('IncompleteArchiveCase', { description: '档案材料不全的已终结事项' })
export class IncompleteArchiveCase {
  @Field(() => PetitionCase, { description: '已终结的信访事项（信访人信息按权限脱敏）' })
  case!: PetitionCase;
  @Field(() => LocalDate, { description: '终结日期' })
  terminatedAt!: string;
  @Field({ description: '是否已建档（历史导入的事项可能尚未建档）' })
  archiveCreated!: boolean;
  @Field(() => [ArchiveItemKind], { description: '缺少的必备材料' })
  missing!: ArchiveItemKind[];
  @Field(() => [String], { description: '缺少的必备材料名称' })
  missingLabels!: string[];
  @Field(() => Int, { description: '必备材料项数' })
  requiredCount!: number;
  @Field(() => Int, { description: '已归档的材料份数' })
  documentCount!: number;
}

@ObjectType('StaleTrackingCase', { description: '动态跟踪滞后的已终结事项' })
export class StaleTrackingCase {
  @Field(() => PetitionCase, { description: '已终结的信访事项（信访人信息按权限脱敏）' })
  case!: PetitionCase;
  @Field(() => LocalDate, { description: '终结日期' })
  terminatedAt!: string;
  @Field(() => LocalDate, { nullable: true, description: '最近一次跟踪记录的日期；从未跟踪时为空' })
  lastTrackedOn!: string | null;
  @Field(() => RiskLevel, { nullable: true, description: '最近一次跟踪记录的风险等级' })
  lastRiskLevel!: RiskLevel | null;
  @Field(() => Int, { description: '跟踪记录条数' })
  trackingRecords!: number;
  @Field(() => Int, { description: '自最近一次跟踪（从未跟踪时自终结）以来的天数' })
  daysWithoutTracking!: number;
}

@ObjectType('OpenEscalation', { description: '尚未办结的报告上级' })
export class OpenEscalation {
  @Field(() => EscalationReport, { description: '报告（内容按权限脱敏）' })
  report!: EscalationReport;
  @Field(() => Int, { description: '自报告之日起的天数' })
  ageDays!: number;
  @Field(() => Int, { description: '处于当前状态的天数（自报告或签收之日起）' })
  daysInStatus!: number;
}

@ObjectType('LookupActivity', {
  description: '一名工作人员的查询行为（查重、查看明文、说明理由查看、下载档案附件的次数）',
})
export class LookupActivityView {
  @Field({ description: '用户标识' })
  userId!: string;
  @Field(() => String, { nullable: true, description: '姓名' })
  userName!: string | null;
  @Field(() => String, { nullable: true, description: '角色' })
  role!: string | null;
  unitId!: number;
  @Field(() => Int, { description: '受理前查重次数（sharing.checkDuplicate）' })
  duplicateChecks!: number;
  @Field(() => Int, {
    description: '查看个人信息明文的次数（petitioner.read.clear，每次请求每名信访人计一次）',
  })
  clearReads!: number;
  @Field(() => Int, { description: '说明理由查看明文的次数（petitioner.reveal）' })
  reveals!: number;
  @Field(() => Int, {
    description:
      '查看明文过于集中的次数：一小时内达到 REVEAL_BURST_PER_HOUR 次即记一次（petitioner.reveal.burst），请复核其理由',
  })
  revealBursts!: number;
  @Field(() => Int, {
    description:
      '查重因疑似猜测身份证号码被拒绝的次数（同一事实和理由换用过多不同身份，或一天内查重的不同身份过多；sharing.checkDuplicate.refused），请复核',
  })
  oracleRefusals!: number;
  @Field(() => Int, { description: '下载档案附件的次数（archive.file.download）' })
  fileDownloads!: number;
  @Field(() => Int, { description: '涉及的不同信访人数' })
  distinctPetitioners!: number;
  @Field(() => Int, { description: '涉及的不同事项数' })
  distinctCases!: number;
  @Field(() => Int, { description: '合计次数' })
  total!: number;
  @Field({ description: '期间内第一次' })
  firstAt!: Date;
  @Field({ description: '期间内最后一次' })
  lastAt!: Date;
}

export const OverdueVisitCaseConnection = Connection(
  'OverdueVisitCase',
  OverdueVisitCase,
  '超期未回访的事项（最早超期的在前）',
);
export const IncompleteArchiveCaseConnection = Connection(
  'IncompleteArchiveCase',
  IncompleteArchiveCase,
  '档案材料不全的事项（终结最早的在前）',
);
export const OpenEscalationConnection = Connection(
  'OpenEscalation',
  OpenEscalation,
  '未办结的报告（最早的在前）',
);
export const LookupActivityConnection = Connection(
  'LookupActivity',
  LookupActivityView,
  '查询行为（次数最多的在前）',
);
export const InspectionConnection = Connection('Inspection', Inspection, '监督检查（最新的在前）');
export const RectificationOrderConnection = Connection('RectificationOrder', RectificationOrder, '整改通知');
export const AccountabilityRecordConnection = Connection(
  'AccountabilityRecord',
  AccountabilityRecord,
  '责任追究记录（最新的在前）',
);
export const PublicFeedbackConnection = Connection(
  'PublicFeedback',
  PublicFeedback,
  '社会监督意见（最新的在前）',
);

@ObjectType('StaleTrackingCaseConnection', { description: '动态跟踪滞后的事项（最久未跟踪的在前）' })
export class StaleTrackingCaseConnection {
  @Field(() => [StaleTrackingCase], { description: '本页记录' })
  nodes!: StaleTrackingCase[];
  @Field(() => PageInfo)
  pageInfo!: PageInfo;
  @Field(() => Int, { description: '符合条件的记录总数' })
  totalCount!: number;
  @Field(() => Int, { description: '所用的天数：超过这么多天没有跟踪记录即列入' })
  days!: number;
}

// ---------------------------------------------------------------------------------------------
// Statistics and the periodic report
// ---------------------------------------------------------------------------------------------

@ObjectType('VisitStatistics', { description: '回访（按回访政策计算的应回访期次）' })
export class VisitStatistics {
  @Field(() => Int, { description: '应回访日期在期间内的期次数' })
  due!: number;
  @Field(() => Int, { description: '其中已回访的（含逾期后补做的）' })
  done!: number;
  @Field(() => Int, { description: '其中按期回访的' })
  doneOnTime!: number;
  @Field(() => Int, { description: '其中逾期后补做的' })
  doneLate!: number;
  @Field(() => Int, { description: '其中已超期仍未回访的' })
  overdue!: number;
  @Field(() => Int, { description: '其中尚未到期的' })
  pending!: number;
  @Field(() => Int, { description: '期间内记录的回访次数' })
  recorded!: number;
}

@ObjectType('ArchiveStatistics', { description: '期间内终结的事项的档案' })
export class ArchiveStatistics {
  @Field(() => Int)
  total!: number;
  @Field(() => Int, { description: '必备材料齐全的' })
  complete!: number;
  @Field(() => Int, { description: '必备材料不全的（含尚未建档的）' })
  incomplete!: number;
  @Field(() => Float, { nullable: true, description: '齐全率（0–1）；没有终结事项时为空' })
  completenessRate!: number | null;
}

@ObjectType('TrackingStatistics', { description: '动态跟踪（期间内终结的事项）' })
export class TrackingStatistics {
  @Field(() => Int, { description: '所用的天数（TRACKING_STALE_DAYS）' })
  staleDays!: number;
  @Field(() => Int, { description: '超过该天数没有跟踪记录的事项数' })
  staleCases!: number;
}

@ObjectType('EscalationStatistics', { description: '期间内的报告上级，按当前状态' })
export class EscalationStatistics {
  @Field(() => Int)
  total!: number;
  @Field(() => Int, { description: '已报告，待签收' })
  reported!: number;
  @Field(() => Int, { description: '已签收，处理中' })
  acknowledged!: number;
  @Field(() => Int, { description: '已办结' })
  resolved!: number;
  @Field(() => Int, { description: '未办结（待签收和处理中）' })
  open!: number;
}

@ObjectType('RectificationStatistics', { description: '期间内下达的整改通知，按当前状态' })
export class RectificationStatistics {
  @Field(() => Int, { description: '下达' })
  issued!: number;
  @Field(() => Int, { description: '未完结（待整改和待核查）' })
  open!: number;
  @Field(() => Int, { description: '逾期未整改（已过期限，仍未报告完成）' })
  overdue!: number;
  @Field(() => Int, { description: '核查通过' })
  verified!: number;
  @Field(() => Int, { description: '核查未通过' })
  rejected!: number;
}

@ObjectType('FeedbackStatistics', { description: '期间内收到的社会监督意见，按当前状态' })
export class FeedbackStatistics {
  @Field(() => Int, { description: '收到' })
  received!: number;
  @Field(() => Int, { description: '未答复（待交办和待答复）' })
  open!: number;
  @Field(() => Int, { description: '已答复（含已办结）' })
  answered!: number;
  @Field(() => Int, { description: '已办结' })
  closed!: number;
}

@ObjectType('FollowUpStatistics', {
  description:
    '信访终结后续管理统计（只有数字，不含个人信息）：期间按终结日期、应回访日期、报告日期、下达日期、收到日期计',
})
export class FollowUpStatisticsView {
  @Field(() => Unit, { description: '单位' })
  unit!: Unit;
  @Field({ description: 'true：该单位及其下级单位合计；false：仅该单位本身承办的' })
  includesSubunits!: boolean;
  @Field(() => LocalDate, { nullable: true, description: '期间起' })
  from!: string | null;
  @Field(() => LocalDate, { nullable: true, description: '期间止' })
  to!: string | null;
  @Field(() => LocalDate, { description: '统计截至日期（超期、滞后按此日判断）' })
  asOf!: string;
  @Field(() => Int, { description: '期间内终结的事项数' })
  terminatedCases!: number;
  @Field(() => VisitStatistics)
  visits!: VisitStatistics;
  @Field(() => ArchiveStatistics)
  archives!: ArchiveStatistics;
  @Field(() => TrackingStatistics)
  tracking!: TrackingStatistics;
  @Field(() => EscalationStatistics)
  escalations!: EscalationStatistics;
  @Field(() => RectificationStatistics)
  rectifications!: RectificationStatistics;
  @Field(() => FeedbackStatistics)
  feedback!: FeedbackStatistics;
}

@ObjectType('FollowUpReport', { description: '信访终结后续管理定期报告（报上一级信访工作机构）' })
export class FollowUpReportView {
  @Field(() => Unit, { description: '报告单位' })
  unit!: Unit;
  @Field(() => LocalDate, { nullable: true })
  from!: string | null;
  @Field(() => LocalDate, { nullable: true })
  to!: string | null;
  @Field(() => LocalDate, { description: '统计截至日期' })
  asOf!: string;
  @Field({ description: '生成时间' })
  generatedAt!: Date;
  @Cost({ assumedSize: 100 }) // a row per unit of the subtree
  @Field(() => [FollowUpStatisticsView], { description: '各单位（仅本单位承办的），按单位树顺序' })
  rows!: FollowUpStatisticsView[];
  @Field(() => FollowUpStatisticsView, { description: '合计（各行之和）' })
  total!: FollowUpStatisticsView;
  @Field({ description: 'CSV 下载地址（GET，带 Authorization: Bearer 令牌；UTF-8 带 BOM，可用 Excel 打开）' })
  csvPath!: string;
}

@ObjectType('MisconductCount', { description: '按情形计数' })
export class MisconductCount {
  @Field(() => Misconduct)
  misconduct!: Misconduct;
  @Field(() => Int)
  count!: number;
}

@ObjectType('MeasureCount', { description: '按措施计数' })
export class MeasureCount {
  @Field(() => AccountabilityMeasure)
  measure!: AccountabilityMeasure;
  @Field(() => Int)
  count!: number;
}

@ObjectType('AccountabilityStatistics', { description: '责任追究统计（仅监督检查人员和系统管理员可见）' })
export class AccountabilityStatisticsView {
  @Field(() => Unit)
  unit!: Unit;
  @Field(() => LocalDate, { nullable: true })
  from!: string | null;
  @Field(() => LocalDate, { nullable: true })
  to!: string | null;
  @Field(() => Int)
  total!: number;
  @Cost({ assumedSize: 4 }) // one per Misconduct
  @Field(() => [MisconductCount])
  byMisconduct!: MisconductCount[];
  @Cost({ assumedSize: 6 }) // one per AccountabilityMeasure
  @Field(() => [MeasureCount])
  byMeasure!: MeasureCount[];
}
