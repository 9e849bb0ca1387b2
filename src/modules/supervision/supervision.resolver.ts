import {
  Arg,
  Ctx,
  Field,
  FieldResolver,
  Float,
  ID,
  InputType,
  Int,
  Mutation,
  ObjectType,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import type { Context } from '../../graphql/context';
import { LAST_ARG, LastInt, latest } from '../../graphql/list-bound';
import { visibleCase } from '../../access/jurisdiction';
import { submitterVisibility } from '../../access/visibility';
import { Connection, PageInfo, toConnection } from '../../graphql/connection';
import { loadUnit } from '../../graphql/loaders';
import { daysBetween, todayInChina } from '../../shared/dates';
import { PetitionCase } from '../case/case.entity';
import { Unit } from '../org/unit.entity';
import { PERSONAL_DATA_MARK } from '../petitioner/personal-data';
import { EscalationReport } from '../followup/followup.entity';
import { ArchiveItemKind, RiskLevel } from '../followup/followup.enums';
import {
  AccountabilityRecord,
  Inspection,
  InspectionFinding,
  PublicFeedback,
  RectificationOrder,
} from './supervision.entity';
import {
  AccountabilityMeasure,
  FeedbackChannel,
  FeedbackSatisfaction,
  FeedbackStatus,
  FindingProblem,
  FindingTargetKind,
  InspectionStatus,
  Misconduct,
  RectificationStatus,
} from './supervision.enums';
import { supervisionLoaders } from './supervision.loaders';
import { SUPERVISION_PAGE_MAX } from './scope';
import { reportCsvPath } from './report.csv';
import { IdempotencyKeyField } from '../../graphql/idempotency-key';

const PAGE = `每页最多 ${SUPERVISION_PAGE_MAX} 条`;
const UNIT_ARG = { nullable: true, description: '单位代码：只看该单位及其下级单位（默认本人所在单位）' };
const FROM_ARG = { nullable: true, description: '期间起 YYYY-MM-DD（含）' };
const TO_ARG = { nullable: true, description: '期间止 YYYY-MM-DD（含）' };
const FIRST_ARG = { defaultValue: 20, description: `每页条数（1–${SUPERVISION_PAGE_MAX}）` };
const AFTER_ARG = { nullable: true, description: '上一页的 endCursor' };

// ---------------------------------------------------------------------------------------------
// Inspection queries: node types
// ---------------------------------------------------------------------------------------------

@ObjectType('InspectionVisitSlot', { description: '一期应回访' })
class InspectionVisitSlot {
  @Field(() => Int, { description: '期次，从 1 起' })
  index!: number;
  @Field({ description: '本期开始日期' })
  windowStart!: string;
  @Field({ description: '应回访日期（最迟）' })
  dueDate!: string;
}

@ObjectType('OverdueVisitCase', { description: '有超期未回访的已终结事项' })
class OverdueVisitCase {
  @Field(() => PetitionCase, { description: '已终结的信访事项（信访人信息按权限脱敏）' })
  case!: PetitionCase;
  @Field({ description: '终结日期' })
  terminatedAt!: string;
  @Field({ description: '最早一期超期的应回访日期' })
  oldestDueDate!: string;
  @Field(() => Int, { description: '最早一期已超期的天数' })
  daysOverdue!: number;
  @Field(() => [InspectionVisitSlot], { description: '应回访日期在期间内、已超期未回访的各期' })
  overdue!: InspectionVisitSlot[];
  @Field(() => Int, { description: '已记录的回访次数' })
  visitsRecorded!: number;
  @Field(() => String, { nullable: true, description: '最近一次回访日期' })
  lastVisitedOn!: string | null;
}

@ObjectType('IncompleteArchiveCase', { description: '档案材料不全的已终结事项' })
class IncompleteArchiveCase {
  @Field(() => PetitionCase, { description: '已终结的信访事项（信访人信息按权限脱敏）' })
  case!: PetitionCase;
  @Field({ description: '终结日期' })
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
class StaleTrackingCase {
  @Field(() => PetitionCase, { description: '已终结的信访事项（信访人信息按权限脱敏）' })
  case!: PetitionCase;
  @Field({ description: '终结日期' })
  terminatedAt!: string;
  @Field(() => String, { nullable: true, description: '最近一次跟踪记录的日期；从未跟踪时为空' })
  lastTrackedOn!: string | null;
  @Field(() => RiskLevel, { nullable: true, description: '最近一次跟踪记录的风险等级' })
  lastRiskLevel!: RiskLevel | null;
  @Field(() => Int, { description: '跟踪记录条数' })
  trackingRecords!: number;
  @Field(() => Int, { description: '自最近一次跟踪（从未跟踪时自终结）以来的天数' })
  daysWithoutTracking!: number;
}

@ObjectType('OpenEscalation', { description: '尚未办结的报告上级' })
class OpenEscalation {
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
class LookupActivityView {
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

const OverdueVisitCaseConnection = Connection(
  'OverdueVisitCase',
  OverdueVisitCase,
  '超期未回访的事项（最早超期的在前）',
);
const IncompleteArchiveCaseConnection = Connection(
  'IncompleteArchiveCase',
  IncompleteArchiveCase,
  '档案材料不全的事项（终结最早的在前）',
);
const OpenEscalationConnection = Connection('OpenEscalation', OpenEscalation, '未办结的报告（最早的在前）');
const LookupActivityConnection = Connection(
  'LookupActivity',
  LookupActivityView,
  '查询行为（次数最多的在前）',
);
const InspectionConnection = Connection('Inspection', Inspection, '监督检查（最新的在前）');
const RectificationOrderConnection = Connection('RectificationOrder', RectificationOrder, '整改通知');
const AccountabilityRecordConnection = Connection(
  'AccountabilityRecord',
  AccountabilityRecord,
  '责任追究记录（最新的在前）',
);
const PublicFeedbackConnection = Connection('PublicFeedback', PublicFeedback, '社会监督意见（最新的在前）');

@ObjectType('StaleTrackingCaseConnection', { description: '动态跟踪滞后的事项（最久未跟踪的在前）' })
class StaleTrackingCaseConnection {
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
class VisitStatistics {
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
class ArchiveStatistics {
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
class TrackingStatistics {
  @Field(() => Int, { description: '所用的天数（TRACKING_STALE_DAYS）' })
  staleDays!: number;
  @Field(() => Int, { description: '超过该天数没有跟踪记录的事项数' })
  staleCases!: number;
}

@ObjectType('EscalationStatistics', { description: '期间内的报告上级，按当前状态' })
class EscalationStatistics {
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
class RectificationStatistics {
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
class FeedbackStatistics {
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
class FollowUpStatisticsView {
  @Field(() => Unit, { description: '单位' })
  unit!: Unit;
  @Field({ description: 'true：该单位及其下级单位合计；false：仅该单位本身承办的' })
  includesSubunits!: boolean;
  @Field(() => String, { nullable: true, description: '期间起' })
  from!: string | null;
  @Field(() => String, { nullable: true, description: '期间止' })
  to!: string | null;
  @Field({ description: '统计截至日期（超期、滞后按此日判断）' })
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
class FollowUpReportView {
  @Field(() => Unit, { description: '报告单位' })
  unit!: Unit;
  @Field(() => String, { nullable: true })
  from!: string | null;
  @Field(() => String, { nullable: true })
  to!: string | null;
  @Field({ description: '统计截至日期' })
  asOf!: string;
  @Field({ description: '生成时间' })
  generatedAt!: Date;
  @Field(() => [FollowUpStatisticsView], { description: '各单位（仅本单位承办的），按单位树顺序' })
  rows!: FollowUpStatisticsView[];
  @Field(() => FollowUpStatisticsView, { description: '合计（各行之和）' })
  total!: FollowUpStatisticsView;
  @Field({ description: 'CSV 下载地址（GET，带 Authorization: Bearer 令牌；UTF-8 带 BOM，可用 Excel 打开）' })
  csvPath!: string;
}

@ObjectType('MisconductCount', { description: '按情形计数' })
class MisconductCount {
  @Field(() => Misconduct)
  misconduct!: Misconduct;
  @Field(() => Int)
  count!: number;
}

@ObjectType('MeasureCount', { description: '按措施计数' })
class MeasureCount {
  @Field(() => AccountabilityMeasure)
  measure!: AccountabilityMeasure;
  @Field(() => Int)
  count!: number;
}

@ObjectType('AccountabilityStatistics', { description: '责任追究统计（仅监督检查人员和系统管理员可见）' })
class AccountabilityStatisticsView {
  @Field(() => Unit)
  unit!: Unit;
  @Field(() => String, { nullable: true })
  from!: string | null;
  @Field(() => String, { nullable: true })
  to!: string | null;
  @Field(() => Int)
  total!: number;
  @Field(() => [MisconductCount])
  byMisconduct!: MisconductCount[];
  @Field(() => [MeasureCount])
  byMeasure!: MeasureCount[];
}

// ---------------------------------------------------------------------------------------------
// Inputs
// ---------------------------------------------------------------------------------------------

@InputType({ description: '登记监督检查' })
class CreateInspectionInput {
  @Field({ description: '检查名称' })
  title!: string;
  @Field({ description: '检查范围：该单位及其下级单位（须在本人管辖范围内）' })
  scopeUnitCode!: string;
  @Field({ description: '被检查期间起 YYYY-MM-DD' })
  periodFrom!: string;
  @Field({ description: '被检查期间止 YYYY-MM-DD' })
  periodTo!: string;
  @Field(() => [String], { description: '检查人员姓名（1–20 人）' })
  inspectors!: string[];
  @IdempotencyKeyField()
  idempotencyKey?: string | null;
}

@InputType({ description: '记录检查发现的问题' })
class AddInspectionFindingInput {
  @Field(() => ID)
  inspectionId!: string;
  @Field(() => FindingTargetKind, { description: '所针对的对象' })
  targetKind!: FindingTargetKind;
  @Field(() => ID, { description: '对象的 ID（须在检查范围内）' })
  targetId!: string;
  @Field(() => FindingProblem)
  problem!: FindingProblem;
  @Field({ description: '问题描述（工作记录；涉及信访人时以事项 ID 指代，不写姓名等个人信息）' })
  description!: string;
  @IdempotencyKeyField()
  idempotencyKey?: string | null;
}

@InputType({ description: '下达整改通知' })
class IssueRectificationOrderInput {
  @Field(() => ID, { description: '检查发现的问题' })
  findingId!: string;
  @Field(() => String, { nullable: true, description: '责任单位代码（默认为问题所涉单位；须在检查范围内）' })
  responsibleUnitCode?: string | null;
  @Field({ description: '整改要求' })
  requirement!: string;
  @Field({ description: '整改期限 YYYY-MM-DD（不早于今天）' })
  deadline!: string;
  @Field(() => ID, { nullable: true, description: '重新下达：所接续的核查未通过的整改通知' })
  reissueOfId?: string | null;
  @IdempotencyKeyField()
  idempotencyKey?: string | null;
}

@InputType({ description: '报告整改完成（责任单位经办人员）' })
class ReportRectificationCompletionInput {
  @Field(() => ID)
  orderId!: string;
  @Field({ description: '整改完成情况' })
  report!: string;
  @Field({ description: '整改完成日期 YYYY-MM-DD' })
  completedOn!: string;
}

@InputType({ description: '核查整改情况（组织检查的监督检查人员）' })
class VerifyRectificationInput {
  @Field(() => ID)
  orderId!: string;
  @Field({ description: '是否通过核查' })
  passed!: boolean;
  @Field({ description: '核查意见' })
  opinion!: string;
}

@InputType({ description: '记录责任追究' })
class RecordAccountabilityInput {
  @Field(() => ID, { description: '所依据的检查发现的问题' })
  findingId!: string;
  @Field({ description: '被追究责任的工作人员姓名' })
  staffName!: string;
  @Field(() => String, { nullable: true, description: '工作人员的用户标识（如已知）' })
  staffUserId?: string | null;
  @Field({ description: '工作人员所在单位代码' })
  staffUnitCode!: string;
  @Field(() => Misconduct)
  misconduct!: Misconduct;
  @Field(() => AccountabilityMeasure)
  measure!: AccountabilityMeasure;
  @Field({ description: '事实和依据' })
  facts!: string;
  @Field({ description: '决定日期 YYYY-MM-DD' })
  decidedOn!: string;
  @Field(() => String, { nullable: true, description: '决定文号' })
  decisionRef?: string | null;
  @IdempotencyKeyField()
  idempotencyKey?: string | null;
}

@InputType({ description: '登记社会监督意见' })
class RecordPublicFeedbackInput {
  @Field({ description: '收到日期 YYYY-MM-DD' })
  receivedOn!: string;
  @Field(() => FeedbackChannel)
  channel!: FeedbackChannel;
  @Field(() => String, { nullable: true, description: '来源编号（如热线工单号）' })
  sourceRef?: string | null;
  @Field(() => String, { nullable: true, description: '反馈人姓名（可匿名；加密存储）' })
  submitterName?: string | null;
  @Field(() => String, { nullable: true, description: '反馈人电话（加密存储）' })
  submitterPhone?: string | null;
  @Field({ description: '意见内容（反馈人的姓名、电话填在专门字段，不写入内容）' })
  content!: string;
  @Field(() => String, {
    nullable: true,
    description: '所涉及的单位代码（与 caseId 至少填一项；默认为事项的承办单位）',
  })
  unitCode?: string | null;
  @Field(() => ID, { nullable: true, description: '所涉及的已终结事项' })
  caseId?: string | null;
  @IdempotencyKeyField()
  idempotencyKey?: string | null;
}

@InputType({ description: '检查筛选条件' })
class InspectionFilterInput {
  @Field(() => InspectionStatus, { nullable: true })
  status?: InspectionStatus | null;
  @Field(() => String, { nullable: true, description: '检查范围在该单位及其下级单位之内' })
  unitCode?: string | null;
  @Field(() => String, { nullable: true, description: '被检查期间与此期间有交叉：起' })
  from?: string | null;
  @Field(() => String, { nullable: true, description: '被检查期间与此期间有交叉：止' })
  to?: string | null;
}

@InputType({ description: '整改通知筛选条件' })
class RectificationOrderFilterInput {
  @Field(() => RectificationStatus, { nullable: true })
  status?: RectificationStatus | null;
  @Field(() => String, { nullable: true, description: '责任单位在该单位及其下级单位之内' })
  unitCode?: string | null;
  @Field(() => ID, { nullable: true })
  inspectionId?: string | null;
  @Field(() => Boolean, { nullable: true, description: '只看逾期未整改的' })
  overdueOnly?: boolean | null;
}

@InputType({ description: '责任追究筛选条件' })
class AccountabilityFilterInput {
  @Field(() => String, { nullable: true, description: '工作人员所在单位在该单位及其下级单位之内' })
  unitCode?: string | null;
  @Field(() => Misconduct, { nullable: true })
  misconduct?: Misconduct | null;
  @Field(() => AccountabilityMeasure, { nullable: true })
  measure?: AccountabilityMeasure | null;
  @Field(() => String, { nullable: true, description: '决定日期起' })
  from?: string | null;
  @Field(() => String, { nullable: true, description: '决定日期止' })
  to?: string | null;
}

@InputType({ description: '社会监督意见筛选条件' })
class PublicFeedbackFilterInput {
  @Field(() => FeedbackStatus, { nullable: true })
  status?: FeedbackStatus | null;
  @Field(() => String, { nullable: true, description: '所涉及、登记或承办的单位在该单位及其下级单位之内' })
  unitCode?: string | null;
  @Field(() => String, { nullable: true, description: '收到日期起' })
  from?: string | null;
  @Field(() => String, { nullable: true, description: '收到日期止' })
  to?: string | null;
}

// ---------------------------------------------------------------------------------------------
// Resolvers
// ---------------------------------------------------------------------------------------------

const withCsv = <T extends { unit: Unit; from: string | null; to: string | null }>(r: T) => ({
  ...r,
  csvPath: reportCsvPath(r.unit.code, r.from, r.to),
});

@Resolver()
export class InspectionQueryResolver {
  @Query(() => OverdueVisitCaseConnection, {
    description: `监督检查：超期未回访的已终结事项（按回访政策；应回访日期在期间内且已超期；最早超期的在前；${PAGE}）`,
  })
  async inspectionOverdueVisits(
    @Ctx() { actor, services }: Context,
    @Arg('unitCode', () => String, UNIT_ARG) unitCode?: string,
    @Arg('from', () => String, FROM_ARG) from?: string,
    @Arg('to', () => String, TO_ARG) to?: string,
    @Arg('first', () => Int, FIRST_ARG) first = 20,
    @Arg('after', () => String, AFTER_ARG) after?: string,
  ) {
    return toConnection(
      await services.supervision.queries.overdueVisits(actor, { unitCode, from, to }, first, after),
    );
  }

  @Query(() => IncompleteArchiveCaseConnection, {
    description: `监督检查：档案必备材料不全的已终结事项（期间按终结日期；列出缺少的材料；${PAGE}）`,
  })
  async inspectionIncompleteArchives(
    @Ctx() { actor, services }: Context,
    @Arg('unitCode', () => String, UNIT_ARG) unitCode?: string,
    @Arg('from', () => String, FROM_ARG) from?: string,
    @Arg('to', () => String, TO_ARG) to?: string,
    @Arg('first', () => Int, FIRST_ARG) first = 20,
    @Arg('after', () => String, AFTER_ARG) after?: string,
  ) {
    return toConnection(
      await services.supervision.queries.incompleteArchives(actor, { unitCode, from, to }, first, after),
    );
  }

  @Query(() => StaleTrackingCaseConnection, {
    description: `监督检查：超过 days 天没有动态跟踪记录的已终结事项（期间按终结日期；最久未跟踪的在前；${PAGE}）`,
  })
  async inspectionStaleTracking(
    @Ctx() { actor, services }: Context,
    @Arg('unitCode', () => String, UNIT_ARG) unitCode?: string,
    @Arg('from', () => String, FROM_ARG) from?: string,
    @Arg('to', () => String, TO_ARG) to?: string,
    @Arg('days', () => Int, { nullable: true, description: '天数（默认 TRACKING_STALE_DAYS，60 天）' })
    days?: number,
    @Arg('first', () => Int, FIRST_ARG) first = 20,
    @Arg('after', () => String, AFTER_ARG) after?: string,
  ) {
    const page = await services.supervision.queries.staleTracking(
      actor,
      { unitCode, from, to, days },
      first,
      after,
    );
    return { ...toConnection(page), days: page.days };
  }

  @Query(() => OpenEscalationConnection, {
    description: `监督检查：尚未办结的报告上级，按时长（期间按报告日期；最早的在前；${PAGE}）`,
  })
  async inspectionOpenEscalations(
    @Ctx() { actor, services }: Context,
    @Arg('unitCode', () => String, UNIT_ARG) unitCode?: string,
    @Arg('from', () => String, FROM_ARG) from?: string,
    @Arg('to', () => String, TO_ARG) to?: string,
    @Arg('minAgeDays', () => Int, { nullable: true, description: '只看报告至今不少于这么多天的' })
    minAgeDays?: number,
    @Arg('first', () => Int, FIRST_ARG) first = 20,
    @Arg('after', () => String, AFTER_ARG) after?: string,
  ) {
    return toConnection(
      await services.supervision.queries.openEscalations(
        actor,
        { unitCode, from, to, minAgeDays },
        first,
        after,
      ),
    );
  }

  @Query(() => LookupActivityConnection, {
    description: `监督检查：各工作人员的查询行为（来自审计日志；只有次数；次数最多的在前；${PAGE}）`,
  })
  async inspectionLookupActivity(
    @Ctx() { actor, services }: Context,
    @Arg('unitCode', () => String, UNIT_ARG) unitCode?: string,
    @Arg('from', () => String, FROM_ARG) from?: string,
    @Arg('to', () => String, TO_ARG) to?: string,
    @Arg('first', () => Int, FIRST_ARG) first = 20,
    @Arg('after', () => String, AFTER_ARG) after?: string,
  ) {
    return toConnection(
      await services.supervision.queries.lookupActivity(actor, { unitCode, from, to }, first, after),
    );
  }

  @Query(() => FollowUpStatisticsView, {
    description:
      '信访终结后续管理统计：终结事项、应回访/已回访/超期、档案齐全率、报告上级各状态、整改未完结/逾期、社会监督意见',
  })
  followUpStatistics(
    @Ctx() { actor, services }: Context,
    @Arg('unitCode', () => String, UNIT_ARG) unitCode?: string,
    @Arg('from', () => String, FROM_ARG) from?: string,
    @Arg('to', () => String, TO_ARG) to?: string,
  ) {
    return services.supervision.statistics.statistics(actor, unitCode, from, to);
  }

  @Query(() => FollowUpReportView, {
    description:
      '信访终结后续管理定期报告（报上一级信访工作机构）：各单位一行及合计；另可下载 CSV（csvPath）',
  })
  async followUpReport(
    @Ctx() { actor, services }: Context,
    @Arg('unitCode', () => String, UNIT_ARG) unitCode?: string,
    @Arg('from', () => String, FROM_ARG) from?: string,
    @Arg('to', () => String, TO_ARG) to?: string,
  ) {
    return withCsv(await services.supervision.statistics.report(actor, unitCode, from, to));
  }

  @Query(() => RectificationOrderConnection, {
    description: `监督检查：逾期未整改的整改通知（期间按下达日期；逾期最久的在前；${PAGE}）`,
  })
  async overdueRectifications(
    @Ctx() { actor, services }: Context,
    @Arg('unitCode', () => String, UNIT_ARG) unitCode?: string,
    @Arg('from', () => String, FROM_ARG) from?: string,
    @Arg('to', () => String, TO_ARG) to?: string,
    @Arg('first', () => Int, FIRST_ARG) first = 20,
    @Arg('after', () => String, AFTER_ARG) after?: string,
  ) {
    return toConnection(
      await services.supervision.inspections.overdueOrders(actor, { unitCode, from, to }, first, after),
    );
  }
}

@Resolver(() => OpenEscalation)
export class OpenEscalationResolver {
  @FieldResolver(() => PetitionCase, { description: '所属的已终结事项（信访人信息按权限脱敏）' })
  async case(@Root() o: OpenEscalation, @Ctx() ctx: Context) {
    return (await ctx.loaders.cases.load(o.report.case.id))!;
  }
}

@Resolver(() => LookupActivityView)
export class LookupActivityResolver {
  @FieldResolver(() => Unit, { description: '所在单位' })
  unit(@Root() a: LookupActivityView, @Ctx() { loaders }: Context) {
    return loadUnit(loaders, a.unitId);
  }
}

@Resolver(() => Inspection)
export class InspectionResolver {
  @Query(() => InspectionConnection, { description: `监督检查（本人管辖范围内的；${PAGE}）` })
  async inspections(
    @Ctx() { actor, services }: Context,
    @Arg('filter', () => InspectionFilterInput, { nullable: true }) filter?: InspectionFilterInput,
    @Arg('first', () => Int, FIRST_ARG) first = 20,
    @Arg('after', () => String, AFTER_ARG) after?: string,
  ) {
    return toConnection(await services.supervision.inspections.list(actor, filter ?? {}, first, after));
  }

  @Query(() => Inspection, { description: '按 ID 查询监督检查' })
  inspection(@Arg('id', () => ID) id: string, @Ctx() { actor, services }: Context) {
    return services.supervision.inspections.byId(actor, Number(id));
  }

  @Mutation(() => Inspection, { description: '登记监督检查（监督检查人员）：检查范围、被检查期间、检查人员' })
  createInspection(@Arg('input') input: CreateInspectionInput, @Ctx() { actor, services }: Context) {
    return services.supervision.inspections.create(actor, input);
  }

  @Mutation(() => Inspection, { description: '结束检查并作出结论：IN_PROGRESS → CONCLUDED' })
  concludeInspection(
    @Arg('inspectionId', () => ID) inspectionId: string,
    @Arg('conclusion', { description: '检查结论' }) conclusion: string,
    @Ctx() { actor, services }: Context,
  ) {
    return services.supervision.inspections.conclude(actor, inspectionId, conclusion);
  }

  @FieldResolver(() => Unit, { description: '检查范围（该单位及其下级单位）' })
  scopeUnit(@Root() i: Inspection, @Ctx() { loaders }: Context) {
    return loadUnit(loaders, i.scopeUnit.id);
  }

  @FieldResolver(() => Unit, { description: '组织检查的单位' })
  organizingUnit(@Root() i: Inspection, @Ctx() { loaders }: Context) {
    return loadUnit(loaders, i.organizingUnit.id);
  }

  @FieldResolver(() => [InspectionFinding], { description: '检查发现的问题（最近的 last 个）' })
  async findings(@Root() i: Inspection, @Ctx() ctx: Context, @Arg('last', LastInt, LAST_ARG) last: number) {
    return latest(await supervisionLoaders(ctx).findingsByInspection.load(i.id), last);
  }
}

@Resolver(() => InspectionFinding)
export class InspectionFindingResolver {
  @Mutation(() => InspectionFinding, {
    description: '记录检查发现的问题（组织检查的监督检查人员；检查结束后不能再记录）',
  })
  addInspectionFinding(@Arg('input') input: AddInspectionFindingInput, @Ctx() { actor, services }: Context) {
    return services.supervision.inspections.addFinding(actor, input);
  }

  @FieldResolver(() => Inspection, { description: '所属检查' })
  async inspection(@Root() f: InspectionFinding, @Ctx() ctx: Context) {
    return (await supervisionLoaders(ctx).inspection.load(f.inspection.id))!;
  }

  @FieldResolver(() => Unit, { description: '问题所涉单位（事项的承办单位）' })
  unit(@Root() f: InspectionFinding, @Ctx() { loaders }: Context) {
    return loadUnit(loaders, f.unit.id);
  }

  @FieldResolver(() => PetitionCase, {
    nullable: true,
    description: '问题所涉的信访事项（信访人信息按权限脱敏；未终结且不在管辖范围内时为空）',
  })
  case(@Root() f: InspectionFinding, @Ctx() ctx: Context) {
    return visibleCase(ctx, f.caseId);
  }

  @FieldResolver(() => [RectificationOrder], { description: '整改通知（最近的 last 份）' })
  async rectificationOrders(
    @Root() f: InspectionFinding,
    @Ctx() ctx: Context,
    @Arg('last', LastInt, LAST_ARG) last: number,
  ) {
    return latest(await supervisionLoaders(ctx).ordersByFinding.load(f.id), last);
  }

  @FieldResolver(() => [AccountabilityRecord], {
    nullable: true,
    description: '责任追究记录（仅监督检查人员和系统管理员可见；最近的 last 条）',
  })
  async accountabilityRecords(
    @Root() f: InspectionFinding,
    @Ctx() ctx: Context,
    @Arg('last', LastInt, LAST_ARG) last: number,
  ) {
    return latest(await supervisionLoaders(ctx).accountabilityByFinding.load(f.id), last);
  }
}

@Resolver(() => RectificationOrder)
export class RectificationOrderResolver {
  @Query(() => RectificationOrderConnection, {
    description: `整改通知（责任单位在本人管辖范围内的；经办人员看本单位及下级单位的；最新的在前；${PAGE}）`,
  })
  async rectificationOrders(
    @Ctx() { actor, services }: Context,
    @Arg('filter', () => RectificationOrderFilterInput, { nullable: true })
    filter?: RectificationOrderFilterInput,
    @Arg('first', () => Int, FIRST_ARG) first = 20,
    @Arg('after', () => String, AFTER_ARG) after?: string,
  ) {
    return toConnection(await services.supervision.inspections.orders(actor, filter ?? {}, first, after));
  }

  @Query(() => RectificationOrder, { description: '按 ID 查询整改通知' })
  rectificationOrder(@Arg('id', () => ID) id: string, @Ctx() { actor, services }: Context) {
    return services.supervision.inspections.orderById(actor, Number(id));
  }

  @Mutation(() => RectificationOrder, {
    description: '下达整改通知（组织检查的监督检查人员）：责任单位、整改要求、期限；核查未通过的可重新下达',
  })
  issueRectificationOrder(
    @Arg('input') input: IssueRectificationOrderInput,
    @Ctx() { actor, services }: Context,
  ) {
    return services.supervision.inspections.issueOrder(actor, input);
  }

  @Mutation(() => RectificationOrder, {
    description: '报告整改完成（责任单位的经办人员）：ISSUED → COMPLETED',
  })
  reportRectificationCompletion(
    @Arg('input') input: ReportRectificationCompletionInput,
    @Ctx() { actor, services }: Context,
  ) {
    return services.supervision.inspections.reportCompletion(actor, input);
  }

  @Mutation(() => RectificationOrder, {
    description: '核查整改情况（组织检查的监督检查人员）：COMPLETED → VERIFIED（通过）或 REJECTED（未通过）',
  })
  verifyRectification(@Arg('input') input: VerifyRectificationInput, @Ctx() { actor, services }: Context) {
    return services.supervision.inspections.verify(actor, input);
  }

  @FieldResolver(() => InspectionFinding, { description: '所依据的检查发现的问题' })
  async finding(@Root() o: RectificationOrder, @Ctx() ctx: Context) {
    return (await supervisionLoaders(ctx).finding.load(o.finding.id))!;
  }

  @FieldResolver(() => Inspection, { description: '所属检查' })
  async inspection(@Root() o: RectificationOrder, @Ctx() ctx: Context) {
    return (await supervisionLoaders(ctx).inspection.load(o.inspectionId))!;
  }

  @FieldResolver(() => Unit, { description: '责任单位' })
  responsibleUnit(@Root() o: RectificationOrder, @Ctx() { loaders }: Context) {
    return loadUnit(loaders, o.responsibleUnit.id);
  }

  @FieldResolver(() => RectificationOrder, { nullable: true, description: '所接续的核查未通过的整改通知' })
  reissueOf(@Root() o: RectificationOrder, @Ctx() ctx: Context) {
    return o.reissueOfId ? supervisionLoaders(ctx).order.load(o.reissueOfId) : null;
  }

  @FieldResolver(() => Boolean, { description: '是否逾期未整改（已过期限仍未报告完成）' })
  overdue(@Root() o: RectificationOrder, @Ctx() ctx: Context) {
    return o.status === RectificationStatus.ISSUED && o.deadline < today(ctx);
  }

  @FieldResolver(() => Int, { nullable: true, description: '逾期天数（未逾期时为空）' })
  daysOverdue(@Root() o: RectificationOrder, @Ctx() ctx: Context) {
    const t = today(ctx);
    return o.status === RectificationStatus.ISSUED && o.deadline < t ? daysBetween(o.deadline, t) : null;
  }

  @FieldResolver(() => Boolean, { nullable: true, description: '是否晚于期限才完成（尚未完成时为空）' })
  completedLate(@Root() o: RectificationOrder) {
    return o.completedOn ? o.completedOn > o.deadline : null;
  }
}

@Resolver(() => AccountabilityRecord)
export class AccountabilityResolver {
  @Query(() => AccountabilityRecordConnection, {
    description: `责任追究记录（仅监督检查人员和系统管理员；本人单位及下级单位的工作人员；${PAGE}）`,
  })
  async accountabilityRecords(
    @Ctx() { actor, services }: Context,
    @Arg('filter', () => AccountabilityFilterInput, { nullable: true }) filter?: AccountabilityFilterInput,
    @Arg('first', () => Int, FIRST_ARG) first = 20,
    @Arg('after', () => String, AFTER_ARG) after?: string,
  ) {
    return toConnection(await services.supervision.accountability.list(actor, filter ?? {}, first, after));
  }

  @Query(() => AccountabilityStatisticsView, {
    description: '责任追究统计：按情形、按措施（仅监督检查人员和系统管理员）',
  })
  accountabilityStatistics(
    @Ctx() { actor, services }: Context,
    @Arg('unitCode', () => String, UNIT_ARG) unitCode?: string,
    @Arg('from', () => String, FROM_ARG) from?: string,
    @Arg('to', () => String, TO_ARG) to?: string,
  ) {
    return services.supervision.accountability.statistics(actor, { unitCode, from, to });
  }

  @Mutation(() => AccountabilityRecord, {
    description: '记录责任追究（组织检查的监督检查人员）：情形、措施、事实和依据，关联检查发现的问题',
  })
  recordAccountability(@Arg('input') input: RecordAccountabilityInput, @Ctx() { actor, services }: Context) {
    return services.supervision.accountability.record(actor, input);
  }

  @FieldResolver(() => InspectionFinding, { description: '所依据的检查发现的问题' })
  async finding(@Root() r: AccountabilityRecord, @Ctx() ctx: Context) {
    return (await supervisionLoaders(ctx).finding.load(r.finding.id))!;
  }

  @FieldResolver(() => Unit, { description: '工作人员所在单位' })
  staffUnit(@Root() r: AccountabilityRecord, @Ctx() { loaders }: Context) {
    return loadUnit(loaders, r.staffUnit.id);
  }
}

@Resolver(() => PublicFeedback)
export class PublicFeedbackResolver {
  @Query(() => PublicFeedbackConnection, {
    description: `社会监督意见（监督检查人员、审核人员看管辖范围内的；经办人员看交本单位办理的；${PAGE}）`,
  })
  async publicFeedbackList(
    @Ctx() { actor, services }: Context,
    @Arg('filter', () => PublicFeedbackFilterInput, { nullable: true }) filter?: PublicFeedbackFilterInput,
    @Arg('first', () => Int, FIRST_ARG) first = 20,
    @Arg('after', () => String, AFTER_ARG) after?: string,
  ) {
    return toConnection(await services.supervision.feedback.list(actor, filter ?? {}, first, after));
  }

  @Query(() => PublicFeedback, { description: '按 ID 查询社会监督意见' })
  publicFeedback(@Arg('id', () => ID) id: string, @Ctx() { actor, services }: Context) {
    return services.supervision.feedback.byId(actor, Number(id));
  }

  @Mutation(() => PublicFeedback, { description: '登记社会监督意见（监督检查人员或信访工作机构审核人员）' })
  recordPublicFeedback(@Arg('input') input: RecordPublicFeedbackInput, @Ctx() { actor, services }: Context) {
    return services.supervision.feedback.record(actor, input);
  }

  @Mutation(() => PublicFeedback, {
    description: '交办社会监督意见（登记单位或其上级）：RECEIVED → ASSIGNED；答复前可改交',
  })
  assignPublicFeedback(
    @Arg('feedbackId', () => ID) feedbackId: string,
    @Arg('unitCode', { description: '承办单位代码' }) unitCode: string,
    @Arg('note', () => String, { nullable: true, description: '交办意见' }) note: string | null,
    @Ctx() { actor, services }: Context,
  ) {
    return services.supervision.feedback.assign(actor, { feedbackId, unitCode, note });
  }

  @Mutation(() => PublicFeedback, {
    description: '答复社会监督意见（承办单位的经办人员）：ASSIGNED → ANSWERED',
  })
  answerPublicFeedback(
    @Arg('feedbackId', () => ID) feedbackId: string,
    @Arg('answer', { description: '答复内容' }) answer: string,
    @Ctx() { actor, services }: Context,
  ) {
    return services.supervision.feedback.answer(actor, { feedbackId, answer });
  }

  @Mutation(() => PublicFeedback, { description: '办结社会监督意见（登记单位或其上级）：ANSWERED → CLOSED' })
  closePublicFeedback(
    @Arg('feedbackId', () => ID) feedbackId: string,
    @Arg('satisfaction', () => FeedbackSatisfaction, { nullable: true, description: '反馈人对答复的评价' })
    satisfaction: FeedbackSatisfaction | null,
    @Arg('note', () => String, { nullable: true, description: '办结意见' }) note: string | null,
    @Ctx() { actor, services }: Context,
  ) {
    return services.supervision.feedback.close(actor, { feedbackId, satisfaction, note });
  }

  private async submitter(f: PublicFeedback, ctx: Context, field: 'submitterName' | 'submitterPhone') {
    const enc = field === 'submitterName' ? f.submitterNameEnc : f.submitterPhoneEnc;
    if (!enc) return null;
    const feedback = ctx.services.supervision.feedback;
    const visibility = await submitterVisibility(ctx, f);
    const value = feedback.submitter(f, visibility);
    if (visibility === 'CLEAR') await supervisionLoaders(ctx).feedbackClearRead.load(`${f.id}:${field}`);
    return field === 'submitterName' ? value.name : value.phone;
  }

  @FieldResolver(() => Boolean, { description: '反馈人信息对当前用户是否为明文（false 表示已脱敏）' })
  async clear(@Root() f: PublicFeedback, @Ctx() ctx: Context) {
    return (await submitterVisibility(ctx, f)) === 'CLEAR';
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: `${PERSONAL_DATA_MARK}反馈人姓名（承办单位经办人员可见明文，其他人脱敏；匿名时为空）`,
  })
  submitterName(@Root() f: PublicFeedback, @Ctx() ctx: Context) {
    return this.submitter(f, ctx, 'submitterName');
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: `${PERSONAL_DATA_MARK}反馈人电话（承办单位经办人员可见明文，其他人脱敏）`,
  })
  submitterPhone(@Root() f: PublicFeedback, @Ctx() ctx: Context) {
    return this.submitter(f, ctx, 'submitterPhone');
  }

  @FieldResolver(() => Unit, { description: '所涉及的单位' })
  concernedUnit(@Root() f: PublicFeedback, @Ctx() { loaders }: Context) {
    return loadUnit(loaders, f.concernedUnit.id);
  }

  @FieldResolver(() => Unit, { description: '登记单位' })
  recordingUnit(@Root() f: PublicFeedback, @Ctx() { loaders }: Context) {
    return loadUnit(loaders, f.recordingUnit.id);
  }

  @FieldResolver(() => Unit, { nullable: true, description: '承办单位' })
  assignedUnit(@Root() f: PublicFeedback, @Ctx() { loaders }: Context) {
    return f.assignedUnit ? loadUnit(loaders, f.assignedUnit.id) : null;
  }

  @FieldResolver(() => PetitionCase, {
    nullable: true,
    description: '所涉及的已终结事项（信访人信息按权限脱敏）',
  })
  case(@Root() f: PublicFeedback, @Ctx() ctx: Context) {
    return f.caseId ? visibleCase(ctx, f.caseId) : null;
  }
}

function today(ctx: Context): string {
  return todayInChina(ctx.services.supervision.now());
}

export const supervisionResolvers = [
  InspectionQueryResolver,
  OpenEscalationResolver,
  LookupActivityResolver,
  InspectionResolver,
  InspectionFindingResolver,
  RectificationOrderResolver,
  AccountabilityResolver,
  PublicFeedbackResolver,
] as const;
