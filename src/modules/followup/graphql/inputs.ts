import { Field, ID, InputType } from 'type-graphql';
import { IdempotencyKeyField } from '../../../graphql/idempotency-key';
import { MatterInput } from '../../case/graphql/inputs';
import {
  ArchiveItemKind,
  EscalationKind,
  EscalationOutcome,
  RiskLevel,
  VisitMethod,
} from '../followup.enums';
import { LocalDate } from '../../../graphql/scalars/local-date';

/* The follow-up module's GraphQL input types: what the officers and reviewers record. */

@InputType({ description: '向信访终结档案添加材料（版本 1）' })
export class AddArchiveDocumentInput {
  @Field(() => ID, { description: '已终结的信访事项 ID' })
  caseId!: string;
  @Field(() => ArchiveItemKind, { description: '材料类别' })
  kind!: ArchiveItemKind;
  @Field({ description: '标题（请勿填写个人信息）' })
  title!: string;
  @Field(() => LocalDate, { description: '成文日期 YYYY-MM-DD' })
  documentDate!: string;
  @Field({ description: '出具单位' })
  issuingUnit!: string;
  @Field(() => String, { nullable: true, description: '文字内容（与附件至少有一项）' })
  text?: string | null;
  @Field(() => ID, { nullable: true, description: '附件：POST /files 上传后返回的文件 ID' })
  fileId?: string | null;
  @IdempotencyKeyField()
  idempotencyKey?: string | null;
}

@InputType({ description: '更正档案材料：新增一个版本，原版本保留；未填写的项沿用当前版本' })
export class CorrectArchiveDocumentInput {
  @Field(() => ID, { description: '材料 ID' })
  documentId!: string;
  @Field({ description: '更正原因' })
  reason!: string;
  @Field(() => String, { nullable: true, description: '新标题' })
  title?: string | null;
  @Field(() => LocalDate, { nullable: true, description: '新成文日期 YYYY-MM-DD' })
  documentDate?: string | null;
  @Field(() => String, { nullable: true, description: '新出具单位' })
  issuingUnit?: string | null;
  @Field(() => String, { nullable: true, description: '新文字内容' })
  text?: string | null;
  @Field(() => ID, { nullable: true, description: '新附件的文件 ID' })
  fileId?: string | null;
  @IdempotencyKeyField()
  idempotencyKey?: string | null;
}

@InputType({ description: '回访记录' })
export class RecordReturnVisitInput {
  @Field(() => ID, { description: '已终结的信访事项 ID' })
  caseId!: string;
  @Field(() => Date, { description: '回访时间（不能早于终结日期，不能晚于当前时间）' })
  visitedAt!: Date;
  @Field(() => VisitMethod, { description: '回访方式' })
  method!: VisitMethod;
  @Field(() => String, { nullable: true, description: '回访人员（默认为记录人）' })
  officer?: string | null;
  @Field({ description: '信访人的意见' })
  opinions!: string;
  @Field(() => String, { nullable: true, description: '信访人的建议' })
  suggestions?: string | null;
  @Field({ description: '信访人的思想动态和实际生活情况' })
  situation!: string;
  @Field({ description: '向信访人所作的解释说明' })
  explanation!: string;
  @IdempotencyKeyField()
  idempotencyKey?: string | null;
}

@InputType({ description: '动态跟踪记录' })
export class RecordTrackingInput {
  @Field(() => ID, { description: '已终结的信访事项 ID' })
  caseId!: string;
  @Field(() => LocalDate, { description: '了解到情况的日期 YYYY-MM-DD（不能早于终结日期，不能晚于今天）' })
  observedOn!: string;
  @Field(() => RiskLevel, { description: '风险等级' })
  riskLevel!: RiskLevel;
  @Field({ description: '信访人的动态情况（变化）' })
  situation!: string;
  @Field(() => String, { nullable: true, description: '采取的措施' })
  measures?: string | null;
  @IdempotencyKeyField()
  idempotencyKey?: string | null;
}

@InputType({ description: '向上一级信访工作机构报告新的诉求或可能引发的新问题' })
export class ReportEscalationInput {
  @Field(() => ID, { description: '已终结的信访事项 ID' })
  caseId!: string;
  @Field(() => EscalationKind, { description: '情形' })
  kind!: EscalationKind;
  @Field(() => LocalDate, { description: '发现情况的日期 YYYY-MM-DD' })
  discoveredOn!: string;
  @Field({ description: '新的诉求或可能引发的问题' })
  description!: string;
  @Field({ description: '已采取的措施' })
  measuresTaken!: string;
  @Field(() => ID, { nullable: true, description: '据以报告的动态跟踪记录（可选）' })
  trackingRecordId?: string | null;
  @IdempotencyKeyField()
  idempotencyKey?: string | null;
}

@InputType({ description: '签收报告' })
export class AcknowledgeEscalationInput {
  @Field(() => ID, { description: '报告 ID' })
  reportId!: string;
  @Field({ description: '签收时采取的措施' })
  measures!: string;
  @IdempotencyKeyField()
  idempotencyKey?: string | null;
}

@InputType({ description: '作为新的信访事项登记（信访人沿用原终结事项的信访人）' })
export class NewMatterInput extends MatterInput {
  @Field(() => String, {
    nullable: true,
    description: '承办单位代码（默认原终结事项的承办单位；须在本机构管辖范围内）',
  })
  handlingUnitCode?: string | null;
}

@InputType({ description: '办结报告' })
export class ResolveEscalationInput {
  @Field(() => ID, { description: '报告 ID' })
  reportId!: string;
  @Field(() => EscalationOutcome, { description: '办结方式' })
  outcome!: EscalationOutcome;
  @Field({ description: '办结时采取的措施' })
  measures!: string;
  @Field(() => NewMatterInput, { nullable: true, description: '办结方式为 NEW_CASE_REGISTERED 时必填' })
  newCase?: NewMatterInput | null;
  @IdempotencyKeyField()
  idempotencyKey?: string | null;
}
