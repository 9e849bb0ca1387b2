import { Entity, Enum, ManyToOne, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { Unit } from '../org/unit.entity';
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
import { LocalDate } from '../../graphql/scalars/local-date';

/*
 * Supervision records (DESIGN.md §2.4). What supervisors and officers write here is work text
 * about the follow-up work (a problem found, a requirement, a completion report); the schema asks
 * them to refer to a petitioner by the case ID, never by name. The one place where a member of the
 * public is named is the feedback's submitter: those two fields are sealed (AES-256-GCM) and
 * masked on read like a petitioner's (PERSONAL_DATA_MARK in the schema).
 *
 * Relations to other modules are plain ids on purpose: the GraphQL field resolvers load them
 * through the request's loaders, and these tables never cascade into the follow-up records.
 */

/** 监督检查: scope (a unit subtree), the period inspected, the inspectors. */
@ObjectType('Inspection', { description: '监督检查（检查范围为某单位及其下级单位）' })
@Entity({ tableName: 'inspection' })
export class Inspection {
  [OptionalProps]?:
    'status' | 'version' | 'createdAt' | 'conclusion' | 'concludedAt' | 'concludedBy' | 'concludedByUserId';

  @Field(() => ID, { description: '检查 ID' })
  @PrimaryKey({ autoincrement: true })
  id!: number;

  @Field({ description: '检查名称' })
  @Property({ length: 200 })
  title!: string;

  @ManyToOne(() => Unit, { deleteRule: 'restrict' })
  scopeUnit!: Unit;

  /** The inspecting supervisor's unit: its supervisors (and those above) record findings and verify. */
  @ManyToOne(() => Unit, { deleteRule: 'restrict' })
  organizingUnit!: Unit;

  @Field(() => LocalDate, { description: '被检查期间起 YYYY-MM-DD' })
  @Property({ columnType: 'date', type: 'string' })
  periodFrom!: string;

  @Field(() => LocalDate, { description: '被检查期间止 YYYY-MM-DD' })
  @Property({ columnType: 'date', type: 'string' })
  periodTo!: string;

  @Field(() => [String], { description: '检查人员' })
  @Property({ type: 'json', columnType: 'jsonb' })
  inspectors!: string[];

  @Field(() => InspectionStatus, { description: '状态' })
  @Enum({ items: () => InspectionStatus, nativeEnumName: 'inspection_status' })
  status: InspectionStatus = InspectionStatus.IN_PROGRESS;

  @Property({ columnType: 'text' })
  createdByUserId!: string;

  @Field({ description: '登记人' })
  @Property({ length: 200 })
  createdBy!: string;

  @Field({ description: '登记时间' })
  @Property()
  createdAt: Date = new Date();

  @Field(() => String, { nullable: true, description: '检查结论' })
  @Property({ columnType: 'text', nullable: true })
  conclusion?: string | null;

  @Field(() => String, { nullable: true, description: '作出结论的人员' })
  @Property({ length: 200, nullable: true })
  concludedBy?: string | null;

  @Property({ columnType: 'text', nullable: true })
  concludedByUserId?: string | null;

  @Field(() => Date, { nullable: true, description: '结束时间' })
  @Property({ type: 'datetime', nullable: true })
  concludedAt?: Date | null;

  @Property({ version: true })
  version: number = 1;
}

/** A problem found by an inspection, against one record of one case. */
@ObjectType('InspectionFinding', {
  description: '检查发现的问题（针对具体的事项、档案、回访、跟踪或报告记录）',
})
@Entity({ tableName: 'inspection_finding' })
export class InspectionFinding {
  [OptionalProps]?: 'recordedAt';

  @Field(() => ID, { description: '问题 ID' })
  @PrimaryKey({ autoincrement: true })
  id!: number;

  @ManyToOne(() => Inspection, { deleteRule: 'restrict' })
  inspection!: Inspection;

  @Field(() => FindingTargetKind, { description: '所针对的对象' })
  @Enum({ items: () => FindingTargetKind, nativeEnumName: 'finding_target_kind' })
  targetKind!: FindingTargetKind;

  @Field(() => ID, { description: '所针对的记录 ID（事项、档案、回访、跟踪或报告的 ID）' })
  @Property()
  targetId!: number;

  /** The case the target belongs to. */
  @Property()
  caseId!: number;

  /** The case's handling unit when the finding was recorded: the unit the problem concerns. */
  @ManyToOne(() => Unit, { deleteRule: 'restrict' })
  unit!: Unit;

  @Field(() => FindingProblem, { description: '问题类别' })
  @Enum({ items: () => FindingProblem, nativeEnumName: 'finding_problem' })
  problem!: FindingProblem;

  @Field({ description: '问题描述（工作记录；涉及信访人时以事项 ID 指代，不写姓名等个人信息）' })
  @Property({ columnType: 'text' })
  description!: string;

  @Property({ columnType: 'text' })
  recordedByUserId!: string;

  @Field({ description: '记录人' })
  @Property({ length: 200 })
  recordedBy!: string;

  @Field({ description: '记录时间' })
  @Property()
  recordedAt: Date = new Date();
}

/** 督促整改: what the responsible unit must put right, by when; its report; the inspector's check. */
@ObjectType('RectificationOrder', { description: '整改通知（责任单位、期限、完成报告和核查）' })
@Entity({ tableName: 'rectification_order' })
export class RectificationOrder {
  [OptionalProps]?:
    | 'status'
    | 'version'
    | 'reissueOfId'
    | 'completionReport'
    | 'completedOn'
    | 'completedBy'
    | 'completedByUserId'
    | 'completedAt'
    | 'verificationOpinion'
    | 'verifiedBy'
    | 'verifiedByUserId'
    | 'verifiedAt';

  @Field(() => ID, { description: '整改通知 ID' })
  @PrimaryKey({ autoincrement: true })
  id!: number;

  @ManyToOne(() => InspectionFinding, { deleteRule: 'restrict' })
  finding!: InspectionFinding;

  @Property()
  inspectionId!: number;

  @ManyToOne(() => Unit, { deleteRule: 'restrict' })
  responsibleUnit!: Unit;

  @Field({ description: '整改要求' })
  @Property({ columnType: 'text' })
  requirement!: string;

  @Field(() => LocalDate, { description: '整改期限 YYYY-MM-DD（当日内完成不算逾期）' })
  @Property({ columnType: 'date', type: 'string' })
  deadline!: string;

  @Field(() => RectificationStatus, { description: '状态' })
  @Enum({ items: () => RectificationStatus, nativeEnumName: 'rectification_status' })
  status: RectificationStatus = RectificationStatus.ISSUED;

  /** The rejected order this one re-issues (one re-issue per rejected order). */
  @Property({ type: 'integer', nullable: true })
  reissueOfId?: number | null;

  @Property({ columnType: 'text' })
  issuedByUserId!: string;

  @Field({ description: '下达人' })
  @Property({ length: 200 })
  issuedBy!: string;

  @Field({ description: '下达时间' })
  @Property()
  issuedAt!: Date;

  /** The calendar day of issue in China time (the period of the statistics counts with it). */
  @Field(() => LocalDate, { description: '下达日期 YYYY-MM-DD（北京时间）' })
  @Property({ columnType: 'date', type: 'string' })
  issuedOn!: string;

  @Field(() => String, { nullable: true, description: '整改完成情况报告' })
  @Property({ columnType: 'text', nullable: true })
  completionReport?: string | null;

  @Field(() => LocalDate, { nullable: true, description: '整改完成日期 YYYY-MM-DD' })
  @Property({ columnType: 'date', type: 'string', nullable: true })
  completedOn?: string | null;

  @Field(() => String, { nullable: true, description: '报告人（责任单位经办人员）' })
  @Property({ length: 200, nullable: true })
  completedBy?: string | null;

  @Property({ columnType: 'text', nullable: true })
  completedByUserId?: string | null;

  @Field(() => Date, { nullable: true, description: '报告时间' })
  @Property({ type: 'datetime', nullable: true })
  completedAt?: Date | null;

  @Field(() => String, { nullable: true, description: '核查意见' })
  @Property({ columnType: 'text', nullable: true })
  verificationOpinion?: string | null;

  @Field(() => String, { nullable: true, description: '核查人' })
  @Property({ length: 200, nullable: true })
  verifiedBy?: string | null;

  @Property({ columnType: 'text', nullable: true })
  verifiedByUserId?: string | null;

  @Field(() => Date, { nullable: true, description: '核查时间' })
  @Property({ type: 'datetime', nullable: true })
  verifiedAt?: Date | null;

  @Property({ version: true })
  version: number = 1;
}

/** 责任追究: a staff member's misconduct and the measure taken, tied to a finding. */
@ObjectType('AccountabilityRecord', { description: '责任追究记录（仅监督检查人员和系统管理员可见）' })
@Entity({ tableName: 'accountability_record' })
export class AccountabilityRecord {
  [OptionalProps]?: 'recordedAt' | 'staffUserId' | 'decisionRef';

  @Field(() => ID, { description: '记录 ID' })
  @PrimaryKey({ autoincrement: true })
  id!: number;

  @ManyToOne(() => InspectionFinding, { deleteRule: 'restrict' })
  finding!: InspectionFinding;

  @Field({ description: '被追究责任的工作人员' })
  @Property({ length: 200 })
  staffName!: string;

  @Field(() => String, { nullable: true, description: '工作人员的用户标识（如已知）' })
  @Property({ columnType: 'text', nullable: true })
  staffUserId?: string | null;

  @ManyToOne(() => Unit, { deleteRule: 'restrict' })
  staffUnit!: Unit;

  @Field(() => Misconduct, { description: '情形' })
  @Enum({ items: () => Misconduct, nativeEnumName: 'misconduct' })
  misconduct!: Misconduct;

  @Field(() => AccountabilityMeasure, { description: '措施' })
  @Enum({ items: () => AccountabilityMeasure, nativeEnumName: 'accountability_measure' })
  measure!: AccountabilityMeasure;

  @Field({ description: '事实和依据' })
  @Property({ columnType: 'text' })
  facts!: string;

  @Field(() => LocalDate, { description: '决定日期 YYYY-MM-DD' })
  @Property({ columnType: 'date', type: 'string' })
  decidedOn!: string;

  @Field(() => String, { nullable: true, description: '决定文号' })
  @Property({ length: 100, nullable: true })
  decisionRef?: string | null;

  @Property({ columnType: 'text' })
  recordedByUserId!: string;

  @Field({ description: '记录人' })
  @Property({ length: 200 })
  recordedBy!: string;

  @Field({ description: '记录时间' })
  @Property()
  recordedAt: Date = new Date();
}

/** 社会监督: public feedback about the follow-up work, recorded, assigned, answered, closed. */
@ObjectType('PublicFeedback', { description: '社会监督意见（对信访终结后续管理工作的意见和投诉）' })
@Entity({ tableName: 'public_feedback' })
export class PublicFeedback {
  [OptionalProps]?:
    | 'status'
    | 'version'
    | 'sourceRef'
    | 'submitterNameEnc'
    | 'submitterPhoneEnc'
    | 'caseId'
    | 'assignedUnit'
    | 'assignedBy'
    | 'assignedByUserId'
    | 'assignedAt'
    | 'assignmentNote'
    | 'answer'
    | 'answeredBy'
    | 'answeredByUserId'
    | 'answeredAt'
    | 'closingNote'
    | 'satisfaction'
    | 'closedBy'
    | 'closedByUserId'
    | 'closedAt';

  @Field(() => ID, { description: '意见 ID' })
  @PrimaryKey({ autoincrement: true })
  id!: number;

  @Field(() => LocalDate, { description: '收到日期 YYYY-MM-DD' })
  @Property({ columnType: 'date', type: 'string' })
  receivedOn!: string;

  @Field(() => FeedbackChannel, { description: '来源渠道' })
  @Enum({ items: () => FeedbackChannel, nativeEnumName: 'feedback_channel' })
  channel!: FeedbackChannel;

  @Field(() => String, { nullable: true, description: '来源编号（如热线工单号）' })
  @Property({ length: 100, nullable: true })
  sourceRef?: string | null;

  @Property({ columnType: 'text', nullable: true })
  submitterNameEnc?: string | null;

  @Property({ columnType: 'text', nullable: true })
  submitterPhoneEnc?: string | null;

  @Field({ description: '意见内容（反馈人的姓名、电话请填在专门字段，不写入内容）' })
  @Property({ columnType: 'text' })
  content!: string;

  /** The unit whose follow-up work the feedback is about (statistics count it there). */
  @ManyToOne(() => Unit, { deleteRule: 'restrict' })
  concernedUnit!: Unit;

  @Property({ type: 'integer', nullable: true })
  caseId?: number | null;

  @ManyToOne(() => Unit, { deleteRule: 'restrict' })
  recordingUnit!: Unit;

  @Property({ columnType: 'text' })
  recordedByUserId!: string;

  @Field({ description: '登记人' })
  @Property({ length: 200 })
  recordedBy!: string;

  @Field({ description: '登记时间' })
  @Property()
  recordedAt!: Date;

  @Field(() => FeedbackStatus, { description: '办理状态' })
  @Enum({ items: () => FeedbackStatus, nativeEnumName: 'feedback_status' })
  status: FeedbackStatus = FeedbackStatus.RECEIVED;

  @ManyToOne(() => Unit, { deleteRule: 'restrict', nullable: true })
  assignedUnit?: Unit | null;

  @Field(() => String, { nullable: true, description: '交办人' })
  @Property({ length: 200, nullable: true })
  assignedBy?: string | null;

  @Property({ columnType: 'text', nullable: true })
  assignedByUserId?: string | null;

  @Field(() => Date, { nullable: true, description: '交办时间' })
  @Property({ type: 'datetime', nullable: true })
  assignedAt?: Date | null;

  @Field(() => String, { nullable: true, description: '交办意见' })
  @Property({ columnType: 'text', nullable: true })
  assignmentNote?: string | null;

  @Field(() => String, { nullable: true, description: '答复内容' })
  @Property({ columnType: 'text', nullable: true })
  answer?: string | null;

  @Field(() => String, { nullable: true, description: '答复人（承办单位经办人员）' })
  @Property({ length: 200, nullable: true })
  answeredBy?: string | null;

  @Property({ columnType: 'text', nullable: true })
  answeredByUserId?: string | null;

  @Field(() => Date, { nullable: true, description: '答复时间' })
  @Property({ type: 'datetime', nullable: true })
  answeredAt?: Date | null;

  @Field(() => String, { nullable: true, description: '办结意见' })
  @Property({ columnType: 'text', nullable: true })
  closingNote?: string | null;

  @Field(() => FeedbackSatisfaction, { nullable: true, description: '反馈人对答复的评价' })
  @Enum({ items: () => FeedbackSatisfaction, nativeEnumName: 'feedback_satisfaction', nullable: true })
  satisfaction?: FeedbackSatisfaction | null;

  @Field(() => String, { nullable: true, description: '办结人' })
  @Property({ length: 200, nullable: true })
  closedBy?: string | null;

  @Property({ columnType: 'text', nullable: true })
  closedByUserId?: string | null;

  @Field(() => Date, { nullable: true, description: '办结时间' })
  @Property({ type: 'datetime', nullable: true })
  closedAt?: Date | null;

  @Property({ version: true })
  version: number = 1;
}
