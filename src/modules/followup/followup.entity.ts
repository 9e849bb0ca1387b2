import { Entity, Enum, ManyToOne, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { PetitionCase } from '../case/case.entity';
import { Unit } from '../org/unit.entity';
import {
  ArchiveItemKind,
  EscalationKind,
  EscalationOutcome,
  EscalationStatus,
  RiskLevel,
  VisitMethod,
} from './followup.enums';
import { LocalDate } from '../../graphql/scalars/local-date';

/*
 * Follow-up after termination (DESIGN.md §2.3). Officer-written free text (visit and tracking
 * notes, document text, escalation descriptions and measures, correction reasons, file names)
 * may name the petitioner, so it is personal data: sealed with the FieldCipher (AES-256-GCM,
 * key id inside, one AAD per column) in the `*Enc` columns, and shown in clear only to readers
 * that visibilityFor() allows (the GraphQL field resolvers do that and queue the audited read).
 * Everything else on these rows (dates, kinds, statuses, staff names) is metadata.
 */

/**
 * An uploaded file (POST /files). The content lives in PostgreSQL (`content`, bytea, sealed with
 * AES-256-GCM) and is never mapped here: it is written and read with explicit SQL so that a list
 * of files never loads their bytes. `caseId` is set when the file is first attached to an archive
 * document; from then on only that case's clear-entitled readers may download it.
 */
@ObjectType('StoredFile', { description: '上传的文件（档案材料附件）' })
@Entity({ tableName: 'stored_file' })
export class StoredFile {
  [OptionalProps]?: 'uploadedAt' | 'caseId';

  @Field(() => ID, { description: '文件 ID' })
  @PrimaryKey({ autoincrement: true })
  id!: number;

  @Field({ description: '文件内容的 SHA-256（十六进制）' })
  @Property({ length: 64, columnType: 'char(64)' })
  sha256!: string;

  @Field(() => Int, { description: '文件大小（字节）' })
  @Property()
  sizeBytes!: number;

  @Field({ description: '文件类型（上传时声明的 MIME 类型）' })
  @Property({ length: 100 })
  contentType!: string;

  /** Original file name, sealed: a name like "张三身份证.jpg" is personal data. */
  @Property({ columnType: 'text' })
  nameEnc!: string;

  @Property({ length: 32 })
  keyId!: string;

  @Property({ type: 'integer', nullable: true })
  caseId?: number | null;

  @ManyToOne(() => Unit, { deleteRule: 'restrict' })
  unit!: Unit;

  @Property({ columnType: 'text' })
  uploadedByUserId!: string;

  @Field({ description: '上传人' })
  @Property({ length: 200 })
  uploadedBy!: string;

  @Field({ description: '上传时间' })
  @Property({ defaultRaw: 'now()' })
  uploadedAt: Date = new Date();
}

/** 信访终结档案: one per terminated case, created at termination (or on first access for imported cases). */
@ObjectType('TerminationArchive', { description: '信访终结档案' })
@Entity({ tableName: 'termination_archive' })
export class TerminationArchive {
  [OptionalProps]?: 'createdAt';

  @Field(() => ID, { description: '档案 ID' })
  @PrimaryKey({ autoincrement: true })
  id!: number;

  @ManyToOne(() => PetitionCase, { deleteRule: 'restrict', unique: true })
  case!: PetitionCase;

  @Field({ description: '建档时间' })
  @Property()
  createdAt: Date = new Date();
}

/** One archived document; its content lives in versions, which are only ever added. */
@ObjectType('ArchiveDocument', { description: '档案材料（更正时新增版本，旧版本保留）' })
@Entity({ tableName: 'archive_document' })
export class ArchiveDocument {
  [OptionalProps]?: 'createdAt';

  @Field(() => ID, { description: '材料 ID' })
  @PrimaryKey({ autoincrement: true })
  id!: number;

  @ManyToOne(() => TerminationArchive, { deleteRule: 'restrict' })
  archive!: TerminationArchive;

  /** The archive's case, kept on the row so that access checks need no join. */
  @Property()
  caseId!: number;

  @Field(() => ArchiveItemKind, { description: '材料类别' })
  @Enum({ items: () => ArchiveItemKind, nativeEnumName: 'archive_item_kind' })
  kind!: ArchiveItemKind;

  @Field({ description: '归档人' })
  @Property({ length: 200 })
  createdBy!: string;

  @Field({ description: '归档时间' })
  @Property()
  createdAt: Date = new Date();
}

/** A version of a document. Never updated or deleted (a database trigger refuses both). */
@ObjectType('ArchiveDocumentVersion', { description: '档案材料的一个版本（只增不改）' })
@Entity({ tableName: 'archive_document_version' })
export class ArchiveDocumentVersion {
  [OptionalProps]?: 'createdAt' | 'textEnc' | 'file' | 'reasonEnc';

  @Field(() => ID)
  @PrimaryKey({ autoincrement: true })
  id!: number;

  @ManyToOne(() => ArchiveDocument, { deleteRule: 'restrict' })
  document!: ArchiveDocument;

  @Property()
  caseId!: number;

  @Field(() => Int, { description: '版本号，从 1 起' })
  @Property()
  version!: number;

  @Field({ description: '标题' })
  @Property({ length: 200 })
  title!: string;

  @Field(() => LocalDate, { description: '成文日期 YYYY-MM-DD' })
  @Property({ columnType: 'date', type: 'string' })
  documentDate!: string;

  @Field({ description: '出具单位' })
  @Property({ length: 200 })
  issuingUnit!: string;

  @Property({ columnType: 'text', nullable: true })
  textEnc?: string | null;

  @ManyToOne(() => StoredFile, { nullable: true, deleteRule: 'restrict' })
  file?: StoredFile | null;

  /** Why this version corrects the previous one (null for version 1), sealed. */
  @Property({ columnType: 'text', nullable: true })
  reasonEnc?: string | null;

  @Property({ columnType: 'text' })
  createdByUserId!: string;

  @Field({ description: '录入人（更正人）' })
  @Property({ length: 200 })
  createdBy!: string;

  @Field({ description: '录入时间' })
  @Property()
  createdAt: Date = new Date();
}

/** 回访记录. */
@ObjectType('ReturnVisit', { description: '回访记录（回访内容属个人信息，无权者为空）' })
@Entity({ tableName: 'return_visit' })
export class ReturnVisit {
  [OptionalProps]?: 'createdAt';

  @Field(() => ID)
  @PrimaryKey({ autoincrement: true })
  id!: number;

  @ManyToOne(() => PetitionCase, { deleteRule: 'restrict' })
  case!: PetitionCase;

  @Field({ description: '回访时间' })
  @Property()
  visitedAt!: Date;

  /** The calendar day of the visit in China time, which the visit schedule counts with. */
  @Field(() => LocalDate, { description: '回访日期 YYYY-MM-DD（北京时间）' })
  @Property({ columnType: 'date', type: 'string' })
  visitedOn!: string;

  @Field(() => VisitMethod, { description: '回访方式' })
  @Enum({ items: () => VisitMethod, nativeEnumName: 'visit_method' })
  method!: VisitMethod;

  @Field({ description: '回访人员' })
  @Property({ length: 200 })
  officer!: string;

  /** Sealed JSON: opinions, suggestions, situation, explanation. */
  @Property({ columnType: 'text' })
  notesEnc!: string;

  @Property({ columnType: 'text' })
  recordedByUserId!: string;

  @Field({ description: '记录人' })
  @Property({ length: 200 })
  recordedBy!: string;

  @Field({ description: '记录时间' })
  @Property()
  createdAt: Date = new Date();
}

/** 动态跟踪记录. */
@ObjectType('TrackingRecord', { description: '动态跟踪记录（情况说明属个人信息，无权者为空）' })
@Entity({ tableName: 'tracking_record' })
export class TrackingRecord {
  [OptionalProps]?: 'createdAt';

  @Field(() => ID)
  @PrimaryKey({ autoincrement: true })
  id!: number;

  @ManyToOne(() => PetitionCase, { deleteRule: 'restrict' })
  case!: PetitionCase;

  @Field(() => LocalDate, { description: '了解到情况的日期 YYYY-MM-DD' })
  @Property({ columnType: 'date', type: 'string' })
  observedOn!: string;

  @Field(() => RiskLevel, { description: '风险等级' })
  @Enum({ items: () => RiskLevel, nativeEnumName: 'risk_level' })
  riskLevel!: RiskLevel;

  /** Sealed JSON: situation, measures. */
  @Property({ columnType: 'text' })
  notesEnc!: string;

  @Property({ columnType: 'text' })
  recordedByUserId!: string;

  @Field({ description: '记录人' })
  @Property({ length: 200 })
  recordedBy!: string;

  @Field({ description: '记录时间' })
  @Property()
  createdAt: Date = new Date();
}

/** 报告上级: a new demand or a likely new issue, reported to the nearest petition agency above. */
@ObjectType('EscalationReport', { description: '向上一级信访工作机构的报告（新诉求或可能引发的新问题）' })
@Entity({ tableName: 'escalation_report' })
export class EscalationReport {
  [OptionalProps]?:
    | 'status'
    | 'version'
    | 'trackingRecordId'
    | 'acknowledgedAt'
    | 'acknowledgedBy'
    | 'acknowledgedByUserId'
    | 'acknowledgeEnc'
    | 'resolvedAt'
    | 'resolvedBy'
    | 'resolvedByUserId'
    | 'resolveEnc'
    | 'outcome'
    | 'newCaseId';

  @Field(() => ID, { description: '报告 ID' })
  @PrimaryKey({ autoincrement: true })
  id!: number;

  @ManyToOne(() => PetitionCase, { deleteRule: 'restrict' })
  case!: PetitionCase;

  @Field(() => EscalationKind, { description: '情形' })
  @Enum({ items: () => EscalationKind, nativeEnumName: 'escalation_kind' })
  kind!: EscalationKind;

  @Field(() => EscalationStatus, { description: '处理状态' })
  @Enum({ items: () => EscalationStatus, nativeEnumName: 'escalation_status' })
  status: EscalationStatus = EscalationStatus.REPORTED;

  @ManyToOne(() => Unit, { deleteRule: 'restrict' })
  targetAgency!: Unit;

  @Property({ type: 'integer', nullable: true })
  trackingRecordId?: number | null;

  @Field(() => LocalDate, { description: '发现情况的日期 YYYY-MM-DD' })
  @Property({ columnType: 'date', type: 'string' })
  discoveredOn!: string;

  /** Sealed JSON: description, measures (taken by the handling unit). */
  @Property({ columnType: 'text' })
  reportEnc!: string;

  @Property({ columnType: 'text' })
  reportedByUserId!: string;

  @Field({ description: '报告人' })
  @Property({ length: 200 })
  reportedBy!: string;

  @Field({ description: '报告时间' })
  @Property()
  reportedAt!: Date;

  @Field(() => Date, { nullable: true, description: '签收时间' })
  @Property({ type: 'datetime', nullable: true })
  acknowledgedAt?: Date | null;

  @Field(() => String, { nullable: true, description: '签收人' })
  @Property({ length: 200, nullable: true })
  acknowledgedBy?: string | null;

  @Property({ columnType: 'text', nullable: true })
  acknowledgedByUserId?: string | null;

  @Property({ columnType: 'text', nullable: true })
  acknowledgeEnc?: string | null;

  @Field(() => Date, { nullable: true, description: '办结时间' })
  @Property({ type: 'datetime', nullable: true })
  resolvedAt?: Date | null;

  @Field(() => String, { nullable: true, description: '办结人' })
  @Property({ length: 200, nullable: true })
  resolvedBy?: string | null;

  @Property({ columnType: 'text', nullable: true })
  resolvedByUserId?: string | null;

  @Property({ columnType: 'text', nullable: true })
  resolveEnc?: string | null;

  @Field(() => EscalationOutcome, { nullable: true, description: '办结方式' })
  @Enum({ items: () => EscalationOutcome, nativeEnumName: 'escalation_outcome', nullable: true })
  outcome?: EscalationOutcome | null;

  @Property({ type: 'integer', nullable: true })
  newCaseId?: number | null;

  @Property({ version: true })
  version: number = 1;
}
