import { Field, ID, InputType } from 'type-graphql';
import { IdempotencyKeyField } from '../../../graphql/idempotency-key';
import {
  AccountabilityMeasure,
  FeedbackChannel,
  FeedbackStatus,
  FindingProblem,
  FindingTargetKind,
  InspectionStatus,
  Misconduct,
  RectificationStatus,
} from '../supervision.enums';
import { LocalDate } from '../../../graphql/scalars/local-date';

/* The supervision module's GraphQL input types: what a mutation records, and the lists' filters. */

@InputType({ description: '登记监督检查' })
export class CreateInspectionInput {
  @Field({ description: '检查名称' })
  title!: string;
  @Field({ description: '检查范围：该单位及其下级单位（须在本人管辖范围内）' })
  scopeUnitCode!: string;
  @Field(() => LocalDate, { description: '被检查期间起 YYYY-MM-DD' })
  periodFrom!: string;
  @Field(() => LocalDate, { description: '被检查期间止 YYYY-MM-DD' })
  periodTo!: string;
  @Field(() => [String], { description: '检查人员姓名（1–20 人）' })
  inspectors!: string[];
  @IdempotencyKeyField()
  idempotencyKey?: string | null;
}

@InputType({ description: '记录检查发现的问题' })
export class AddInspectionFindingInput {
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
export class IssueRectificationOrderInput {
  @Field(() => ID, { description: '检查发现的问题' })
  findingId!: string;
  @Field(() => String, { nullable: true, description: '责任单位代码（默认为问题所涉单位；须在检查范围内）' })
  responsibleUnitCode?: string | null;
  @Field({ description: '整改要求' })
  requirement!: string;
  @Field(() => LocalDate, { description: '整改期限 YYYY-MM-DD（不早于今天）' })
  deadline!: string;
  @Field(() => ID, { nullable: true, description: '重新下达：所接续的核查未通过的整改通知' })
  reissueOfId?: string | null;
  @IdempotencyKeyField()
  idempotencyKey?: string | null;
}

@InputType({ description: '报告整改完成（责任单位经办人员）' })
export class ReportRectificationCompletionInput {
  @Field(() => ID)
  orderId!: string;
  @Field({ description: '整改完成情况' })
  report!: string;
  @Field(() => LocalDate, { description: '整改完成日期 YYYY-MM-DD' })
  completedOn!: string;
}

@InputType({ description: '核查整改情况（组织检查的监督检查人员）' })
export class VerifyRectificationInput {
  @Field(() => ID)
  orderId!: string;
  @Field({ description: '是否通过核查' })
  passed!: boolean;
  @Field({ description: '核查意见' })
  opinion!: string;
}

@InputType({ description: '记录责任追究' })
export class RecordAccountabilityInput {
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
  @Field(() => LocalDate, { description: '决定日期 YYYY-MM-DD' })
  decidedOn!: string;
  @Field(() => String, { nullable: true, description: '决定文号' })
  decisionRef?: string | null;
  @IdempotencyKeyField()
  idempotencyKey?: string | null;
}

@InputType({ description: '登记社会监督意见' })
export class RecordPublicFeedbackInput {
  @Field(() => LocalDate, { description: '收到日期 YYYY-MM-DD' })
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
export class InspectionFilterInput {
  @Field(() => InspectionStatus, { nullable: true })
  status?: InspectionStatus | null;
  @Field(() => String, { nullable: true, description: '检查范围在该单位及其下级单位之内' })
  unitCode?: string | null;
  @Field(() => LocalDate, { nullable: true, description: '被检查期间与此期间有交叉：起' })
  from?: string | null;
  @Field(() => LocalDate, { nullable: true, description: '被检查期间与此期间有交叉：止' })
  to?: string | null;
}

@InputType({ description: '整改通知筛选条件' })
export class RectificationOrderFilterInput {
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
export class AccountabilityFilterInput {
  @Field(() => String, { nullable: true, description: '工作人员所在单位在该单位及其下级单位之内' })
  unitCode?: string | null;
  @Field(() => Misconduct, { nullable: true })
  misconduct?: Misconduct | null;
  @Field(() => AccountabilityMeasure, { nullable: true })
  measure?: AccountabilityMeasure | null;
  @Field(() => LocalDate, { nullable: true, description: '决定日期起' })
  from?: string | null;
  @Field(() => LocalDate, { nullable: true, description: '决定日期止' })
  to?: string | null;
}

@InputType({ description: '社会监督意见筛选条件' })
export class PublicFeedbackFilterInput {
  @Field(() => FeedbackStatus, { nullable: true })
  status?: FeedbackStatus | null;
  @Field(() => String, { nullable: true, description: '所涉及、登记或承办的单位在该单位及其下级单位之内' })
  unitCode?: string | null;
  @Field(() => LocalDate, { nullable: true, description: '收到日期起' })
  from?: string | null;
  @Field(() => LocalDate, { nullable: true, description: '收到日期止' })
  to?: string | null;
}
