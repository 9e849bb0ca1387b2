import {
  Arg,
  Ctx,
  Field,
  FieldResolver,
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
import { Connection, toConnection } from '../../graphql/connection';
import { loadUnit } from '../../graphql/loaders';
import type { ClearReadField } from '../../graphql/request-audit';
import { PetitionCase } from '../case/case.entity';
import { MatterInput } from '../case/case.resolver';
import { followUpVisible } from '../../access/follow-up';
import { visibleCase } from '../../access/jurisdiction';
import { caseVisibility, clearText } from '../../access/visibility';
import { PERSONAL_DATA_MARK } from '../petitioner/personal-data';
import { Unit } from '../org/unit.entity';
import { archiveCompleteness, hadReReview } from './archive.service';
import {
  ArchiveDocument,
  ArchiveDocumentVersion,
  EscalationReport,
  ReturnVisit,
  StoredFile,
  TerminationArchive,
  TrackingRecord,
} from './followup.entity';
import {
  ArchiveItemKind,
  EscalationKind,
  EscalationOutcome,
  EscalationStatus,
  RiskLevel,
  VisitMethod,
  VisitSlotStatus,
} from './followup.enums';
import { followUpLoaders } from './followup.loaders';
import type { VisitNotes } from './visit.service';
import type { TrackingNotes } from './tracking.service';
import type { ReportNotes } from './escalation.service';
import type { VisitScheduleResult } from './visit.policy';
import { IDEMPOTENCY_KEY_DESCRIPTION } from './idempotency';

// ---------------------------------------------------------------------------------------------
// Inputs
// ---------------------------------------------------------------------------------------------

const KEY_DESCRIPTION = IDEMPOTENCY_KEY_DESCRIPTION;

@InputType({ description: '向信访终结档案添加材料（版本 1）' })
class AddArchiveDocumentInput {
  @Field(() => ID, { description: '已终结的信访事项 ID' })
  caseId!: string;
  @Field(() => ArchiveItemKind, { description: '材料类别' })
  kind!: ArchiveItemKind;
  @Field({ description: '标题（请勿填写个人信息）' })
  title!: string;
  @Field({ description: '成文日期 YYYY-MM-DD' })
  documentDate!: string;
  @Field({ description: '出具单位' })
  issuingUnit!: string;
  @Field(() => String, { nullable: true, description: '文字内容（与附件至少有一项）' })
  text?: string | null;
  @Field(() => ID, { nullable: true, description: '附件：POST /files 上传后返回的文件 ID' })
  fileId?: string | null;
  @Field(() => String, { nullable: true, description: KEY_DESCRIPTION })
  idempotencyKey?: string | null;
}

@InputType({ description: '更正档案材料：新增一个版本，原版本保留；未填写的项沿用当前版本' })
class CorrectArchiveDocumentInput {
  @Field(() => ID, { description: '材料 ID' })
  documentId!: string;
  @Field({ description: '更正原因' })
  reason!: string;
  @Field(() => String, { nullable: true, description: '新标题' })
  title?: string | null;
  @Field(() => String, { nullable: true, description: '新成文日期 YYYY-MM-DD' })
  documentDate?: string | null;
  @Field(() => String, { nullable: true, description: '新出具单位' })
  issuingUnit?: string | null;
  @Field(() => String, { nullable: true, description: '新文字内容' })
  text?: string | null;
  @Field(() => ID, { nullable: true, description: '新附件的文件 ID' })
  fileId?: string | null;
  @Field(() => String, { nullable: true, description: KEY_DESCRIPTION })
  idempotencyKey?: string | null;
}

@InputType({ description: '回访记录' })
class RecordReturnVisitInput {
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
  @Field(() => String, { nullable: true, description: KEY_DESCRIPTION })
  idempotencyKey?: string | null;
}

@InputType({ description: '动态跟踪记录' })
class RecordTrackingInput {
  @Field(() => ID, { description: '已终结的信访事项 ID' })
  caseId!: string;
  @Field({ description: '了解到情况的日期 YYYY-MM-DD（不能早于终结日期，不能晚于今天）' })
  observedOn!: string;
  @Field(() => RiskLevel, { description: '风险等级' })
  riskLevel!: RiskLevel;
  @Field({ description: '信访人的动态情况（变化）' })
  situation!: string;
  @Field(() => String, { nullable: true, description: '采取的措施' })
  measures?: string | null;
  @Field(() => String, { nullable: true, description: KEY_DESCRIPTION })
  idempotencyKey?: string | null;
}

@InputType({ description: '向上一级信访工作机构报告新的诉求或可能引发的新问题' })
class ReportEscalationInput {
  @Field(() => ID, { description: '已终结的信访事项 ID' })
  caseId!: string;
  @Field(() => EscalationKind, { description: '情形' })
  kind!: EscalationKind;
  @Field({ description: '发现情况的日期 YYYY-MM-DD' })
  discoveredOn!: string;
  @Field({ description: '新的诉求或可能引发的问题' })
  description!: string;
  @Field({ description: '已采取的措施' })
  measuresTaken!: string;
  @Field(() => ID, { nullable: true, description: '据以报告的动态跟踪记录（可选）' })
  trackingRecordId?: string | null;
  @Field(() => String, { nullable: true, description: KEY_DESCRIPTION })
  idempotencyKey?: string | null;
}

@InputType({ description: '签收报告' })
class AcknowledgeEscalationInput {
  @Field(() => ID, { description: '报告 ID' })
  reportId!: string;
  @Field({ description: '签收时采取的措施' })
  measures!: string;
  @Field(() => String, { nullable: true, description: KEY_DESCRIPTION })
  idempotencyKey?: string | null;
}

@InputType({ description: '作为新的信访事项登记（信访人沿用原终结事项的信访人）' })
class NewMatterInput extends MatterInput {
  @Field(() => String, {
    nullable: true,
    description: '承办单位代码（默认原终结事项的承办单位；须在本机构管辖范围内）',
  })
  handlingUnitCode?: string | null;
}

@InputType({ description: '办结报告' })
class ResolveEscalationInput {
  @Field(() => ID, { description: '报告 ID' })
  reportId!: string;
  @Field(() => EscalationOutcome, { description: '办结方式' })
  outcome!: EscalationOutcome;
  @Field({ description: '办结时采取的措施' })
  measures!: string;
  @Field(() => NewMatterInput, { nullable: true, description: '办结方式为 NEW_CASE_REGISTERED 时必填' })
  newCase?: NewMatterInput | null;
  @Field(() => String, { nullable: true, description: KEY_DESCRIPTION })
  idempotencyKey?: string | null;
}

// ---------------------------------------------------------------------------------------------
// Output types that are not entities
// ---------------------------------------------------------------------------------------------

@ObjectType('FollowUp', { description: '已终结事项的后续管理：档案、回访、动态跟踪、报告' })
export class FollowUp {
  @Field(() => PetitionCase, { description: '已终结的信访事项' })
  case!: PetitionCase;
  @Field(() => TerminationArchive, { description: '信访终结档案' })
  archive!: TerminationArchive;
}

@ObjectType('ArchiveRequirement', { description: '档案必备材料及其是否齐全' })
class ArchiveRequirement {
  @Field(() => ArchiveItemKind)
  kind!: ArchiveItemKind;
  @Field({ description: '名称' })
  label!: string;
  @Field(() => Int, { description: '已归档的该类材料份数' })
  documents!: number;
  @Field({ description: '是否已归档' })
  present!: boolean;
}

@ObjectType('VisitPolicy', {
  description: '回访政策（VISIT_FIRST_DAYS、VISIT_INTERVAL_DAYS、VISIT_PERIOD_MONTHS）',
})
class VisitPolicyView {
  @Field(() => Int, { description: '终结后首次回访的期限（天）' })
  firstDays!: number;
  @Field(() => Int, { description: '此后每隔多少天回访一次' })
  intervalDays!: number;
  @Field(() => Int, { description: '回访持续的月数（自终结之日起）' })
  periodMonths!: number;
}

@ObjectType('VisitSlot', { description: '一期应回访' })
class VisitSlotView {
  @Field(() => Int, { description: '期次，从 1 起' })
  index!: number;
  @Field({ description: '本期开始日期（上一期应回访日期或终结日期）' })
  windowStart!: string;
  @Field({ description: '应回访日期（最迟）' })
  dueDate!: string;
  @Field(() => VisitSlotStatus)
  status!: VisitSlotStatus;
  @Field(() => ID, { nullable: true, description: '计入本期的回访记录' })
  visitId!: number | null;
  @Field(() => String, { nullable: true, description: '计入本期的回访日期' })
  visitedOn!: string | null;
}

@ObjectType('VisitSchedule', {
  description:
    '回访计划：首次回访在终结后 firstDays 天内，此后每 intervalDays 天一次，持续 periodMonths 个月；每期由该期开始后第一次尚未计入的回访完成',
})
class VisitScheduleView {
  @Field(() => VisitPolicyView)
  policy!: VisitPolicyView;
  @Field({ description: '回访期结束日期' })
  periodEnd!: string;
  @Field(() => String, {
    nullable: true,
    description: '下一次应回访日期（最早一期未完成的应回访日期）；全部完成时为空',
  })
  nextDue!: string | null;
  @Field(() => [VisitSlotView], { description: '已超期未回访的各期' })
  overdue!: VisitSlotView[];
  @Field(() => [VisitSlotView], { description: '全部各期' })
  slots!: VisitSlotView[];
}

@ObjectType('OverdueReturnVisit', { description: '有超期未回访的已终结事项' })
class OverdueReturnVisit {
  @Field(() => PetitionCase)
  case!: PetitionCase;
  @Field({ description: '最早一期超期的应回访日期' })
  oldestDueDate!: string;
  @Field(() => [VisitSlotView], { description: '超期未回访的各期' })
  overdue!: VisitSlotView[];
}

const OverdueReturnVisitConnection = Connection(
  'OverdueReturnVisit',
  OverdueReturnVisit,
  '超期未回访的事项（最早超期的在前）',
);

const EscalationReportConnection = Connection('EscalationReport', EscalationReport, '报告列表');

// ---------------------------------------------------------------------------------------------
// Personal data in officers' text: clear for entitled readers (audited), null for everyone else
// ---------------------------------------------------------------------------------------------

/**
 * The one path by which follow-up free text leaves: the case's visibility (visibilityFor, the
 * same rule as for the petitioner's fields) decides; a clear read is queued for the request's
 * audit entry; anyone else gets null, never an error.
 */
async function clearOrNull<T>(
  ctx: Context,
  caseId: number,
  field: ClearReadField,
  open: () => T,
): Promise<T | null> {
  const c = await ctx.loaders.cases.load(caseId);
  return c ? clearText(ctx, c, field, open) : null;
}

async function isClear(ctx: Context, caseId: number): Promise<boolean> {
  const c = await ctx.loaders.cases.load(caseId);
  return !!c && (await caseVisibility(ctx, c)) === 'CLEAR';
}

/** Decrypted once per record and request, however many of its fields are selected. */
const opened = new WeakMap<object, unknown>();
function once<T>(record: object, open: () => T): T {
  if (!opened.has(record)) opened.set(record, open());
  return opened.get(record) as T;
}

function scheduleView(ctx: Context, s: VisitScheduleResult): VisitScheduleView {
  return { policy: ctx.services.followup.visits.policy, ...s };
}

// ---------------------------------------------------------------------------------------------
// Resolvers
// ---------------------------------------------------------------------------------------------

@Resolver(() => FollowUp)
export class FollowUpResolver {
  @Query(() => FollowUp, {
    description:
      '已终结事项的后续管理（承办单位及上级的经办人员、信访工作机构审核人员、监督检查人员；部门工作人员无权查看）',
  })
  followUp(@Arg('caseId', () => ID) caseId: string, @Ctx() { actor, services }: Context) {
    return services.followup.archive.followUp(actor, Number(caseId));
  }

  @FieldResolver(() => VisitScheduleView, { description: '回访计划、下一次应回访日期和超期未回访' })
  async visitSchedule(@Root() f: FollowUp, @Ctx() ctx: Context) {
    const visits = await followUpLoaders(ctx).visits.load(f.case.id);
    return scheduleView(ctx, ctx.services.followup.visits.schedule(f.case, visits));
  }

  @FieldResolver(() => [ReturnVisit], { description: '回访记录（按回访时间；最近的 last 条）' })
  async returnVisits(@Root() f: FollowUp, @Ctx() ctx: Context, @Arg('last', LastInt, LAST_ARG) last: number) {
    return latest(await followUpLoaders(ctx).visits.load(f.case.id), last);
  }

  @FieldResolver(() => [TrackingRecord], { description: '动态跟踪记录（按日期；最近的 last 条）' })
  async trackingRecords(
    @Root() f: FollowUp,
    @Ctx() ctx: Context,
    @Arg('last', LastInt, LAST_ARG) last: number,
  ) {
    return latest(await followUpLoaders(ctx).tracking.load(f.case.id), last);
  }

  @FieldResolver(() => [EscalationReport], {
    description: '向上一级信访工作机构的报告（按报告时间；最近的 last 条）',
  })
  async escalationReports(
    @Root() f: FollowUp,
    @Ctx() ctx: Context,
    @Arg('last', LastInt, LAST_ARG) last: number,
  ) {
    return latest(await followUpLoaders(ctx).escalations.load(f.case.id), last);
  }

  @Query(() => OverdueReturnVisitConnection, {
    description: '本单位及下级单位超期未回访的已终结事项（最早超期的在前，每页最多 100 条）',
  })
  async overdueReturnVisits(
    @Ctx() { actor, services }: Context,
    @Arg('unitCode', () => String, { nullable: true, description: '只看该单位及其下级单位' })
    unitCode?: string,
    @Arg('first', () => Int, { defaultValue: 20 }) first = 20,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ) {
    const page = await services.followup.visits.overdue(actor, { unitCode }, first, after);
    return toConnection({
      ...page,
      nodes: page.nodes.map((n) => ({
        case: n.case,
        oldestDueDate: n.schedule.overdue[0].dueDate,
        overdue: n.schedule.overdue,
      })),
    });
  }

  @Mutation(() => ArchiveDocument, { description: '向信访终结档案添加材料（承办单位经办人员）' })
  addArchiveDocument(@Arg('input') input: AddArchiveDocumentInput, @Ctx() { actor, services }: Context) {
    return services.followup.archive.addDocument(actor, input);
  }

  @Mutation(() => ArchiveDocument, { description: '更正档案材料：新增版本并说明原因，原版本保留' })
  correctArchiveDocument(
    @Arg('input') input: CorrectArchiveDocumentInput,
    @Ctx() { actor, services }: Context,
  ) {
    return services.followup.archive.correctDocument(actor, input);
  }

  @Mutation(() => ReturnVisit, { description: '记录回访（承办单位经办人员）' })
  recordReturnVisit(@Arg('input') input: RecordReturnVisitInput, @Ctx() { actor, services }: Context) {
    return services.followup.visits.record(actor, input);
  }

  @Mutation(() => TrackingRecord, { description: '记录动态跟踪（承办单位经办人员）' })
  recordTracking(@Arg('input') input: RecordTrackingInput, @Ctx() { actor, services }: Context) {
    return services.followup.tracking.record(actor, input);
  }
}

@Resolver(() => PetitionCase)
export class CaseFollowUpFieldsResolver {
  @FieldResolver(() => FollowUp, {
    nullable: true,
    description: '后续管理（档案、回访、跟踪、报告）；未终结或不在管辖范围内时为空；部门工作人员无权查看',
  })
  async followUp(@Root() c: PetitionCase, @Ctx() ctx: Context) {
    // Decided on what the request's loaders already hold, so a page of cases costs one query
    // for all archives rather than a few per case.
    if (!(await followUpVisible(ctx, c))) return null;
    const archive = await followUpLoaders(ctx).archiveByCase.load(c.id);
    // Cases terminated before archives existed get theirs on first reading.
    return archive ? { case: c, archive } : ctx.services.followup.archive.followUp(ctx.actor, c.id);
  }

  @FieldResolver(() => PetitionCase, {
    nullable: true,
    description: '本事项所由产生的已终结事项（报告办结时作为新事项登记的）',
  })
  relatedCase(@Root() c: PetitionCase, @Ctx() ctx: Context) {
    return c.relatedCaseId ? visibleCase(ctx, c.relatedCaseId) : null;
  }
}

@Resolver(() => TerminationArchive)
export class TerminationArchiveResolver {
  private async completeness(a: TerminationArchive, ctx: Context) {
    const loaders = followUpLoaders(ctx);
    const [c, steps, docs] = await Promise.all([
      ctx.loaders.cases.load(a.case.id),
      ctx.loaders.steps.load(a.case.id),
      loaders.documents.load(a.id),
    ]);
    return archiveCompleteness(
      hadReReview(
        c!,
        steps.map((s) => s.kind),
      ),
      docs.map((d) => d.kind),
    );
  }

  @FieldResolver(() => Boolean, { description: '必备材料是否齐全' })
  async complete(@Root() a: TerminationArchive, @Ctx() ctx: Context) {
    return (await this.completeness(a, ctx)).complete;
  }

  @FieldResolver(() => [ArchiveItemKind], { description: '缺少的必备材料' })
  async missing(@Root() a: TerminationArchive, @Ctx() ctx: Context) {
    return (await this.completeness(a, ctx)).missing;
  }

  @FieldResolver(() => [ArchiveRequirement], { description: '各项必备材料及是否已归档' })
  async requirements(@Root() a: TerminationArchive, @Ctx() ctx: Context) {
    return (await this.completeness(a, ctx)).requirements;
  }

  @FieldResolver(() => [ArchiveDocument], { description: '已归档的材料（最后的 last 件）' })
  async documents(
    @Root() a: TerminationArchive,
    @Ctx() ctx: Context,
    @Arg('last', LastInt, LAST_ARG) last: number,
  ) {
    return latest(await followUpLoaders(ctx).documents.load(a.id), last);
  }
}

@Resolver(() => ArchiveDocument)
export class ArchiveDocumentResolver {
  @FieldResolver(() => ArchiveDocumentVersion, { description: '当前版本（最新版本）' })
  async current(@Root() d: ArchiveDocument, @Ctx() ctx: Context) {
    const versions = await followUpLoaders(ctx).versions.load(d.id);
    return versions[versions.length - 1];
  }

  @FieldResolver(() => [ArchiveDocumentVersion], {
    description: '全部版本，从版本 1 起（更正不覆盖原版本）；多于 last 个时为最近的 last 个',
  })
  async versions(
    @Root() d: ArchiveDocument,
    @Ctx() ctx: Context,
    @Arg('last', LastInt, LAST_ARG) last: number,
  ) {
    return latest(await followUpLoaders(ctx).versions.load(d.id), last);
  }
}

@Resolver(() => ArchiveDocumentVersion)
export class ArchiveDocumentVersionResolver {
  @FieldResolver(() => Boolean, {
    description: '文字内容、更正原因和文件名对当前用户是否为明文（false 时为空）',
  })
  clear(@Root() v: ArchiveDocumentVersion, @Ctx() ctx: Context) {
    return isClear(ctx, v.caseId);
  }

  @FieldResolver(() => Boolean, { description: '是否有文字内容' })
  hasText(@Root() v: ArchiveDocumentVersion) {
    return !!v.textEnc;
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: `${PERSONAL_DATA_MARK}文字内容（无权查看者为空）`,
  })
  text(@Root() v: ArchiveDocumentVersion, @Ctx() ctx: Context) {
    if (!v.textEnc) return null;
    return clearOrNull(ctx, v.caseId, 'archiveDocument.text', () =>
      ctx.services.followup.archive.openText(v),
    );
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: `${PERSONAL_DATA_MARK}更正原因（版本 1 为空；无权查看者为空）`,
  })
  correctionReason(@Root() v: ArchiveDocumentVersion, @Ctx() ctx: Context) {
    if (!v.reasonEnc) return null;
    return clearOrNull(ctx, v.caseId, 'archiveDocument.correctionReason', () =>
      ctx.services.followup.archive.openReason(v),
    );
  }

  @FieldResolver(() => StoredFile, { nullable: true, description: '附件' })
  file(@Root() v: ArchiveDocumentVersion, @Ctx() ctx: Context) {
    return v.file ? followUpLoaders(ctx).file.load(v.file.id) : null;
  }
}

@Resolver(() => StoredFile)
export class StoredFileResolver {
  @FieldResolver(() => String, {
    nullable: true,
    description: `${PERSONAL_DATA_MARK}原文件名（无权查看者为空）`,
  })
  name(@Root() f: StoredFile, @Ctx() ctx: Context) {
    if (f.caseId == null) return null;
    return clearOrNull(ctx, f.caseId, 'storedFile.name', () => ctx.services.followup.files.openName(f));
  }

  @FieldResolver(() => String, {
    description: '下载地址（GET，带 Authorization: Bearer 令牌；仅可查看个人信息明文的用户可下载，下载留痕）',
  })
  downloadPath(@Root() f: StoredFile) {
    return `/files/${f.id}`;
  }
}

@Resolver(() => ReturnVisit)
export class ReturnVisitResolver {
  private notes(v: ReturnVisit, ctx: Context): VisitNotes {
    return once(v, () => ctx.services.followup.visits.openNotes(v));
  }

  @FieldResolver(() => Boolean, { description: '回访内容对当前用户是否为明文（false 时为空）' })
  clear(@Root() v: ReturnVisit, @Ctx() ctx: Context) {
    return isClear(ctx, v.case.id);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: `${PERSONAL_DATA_MARK}信访人的意见（无权查看者为空）`,
  })
  opinions(@Root() v: ReturnVisit, @Ctx() ctx: Context) {
    return clearOrNull(ctx, v.case.id, 'returnVisit.notes', () => this.notes(v, ctx).opinions);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: `${PERSONAL_DATA_MARK}信访人的建议（无权查看者为空）`,
  })
  suggestions(@Root() v: ReturnVisit, @Ctx() ctx: Context) {
    return clearOrNull(ctx, v.case.id, 'returnVisit.notes', () => this.notes(v, ctx).suggestions);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: `${PERSONAL_DATA_MARK}信访人的思想动态和实际生活情况（无权查看者为空）`,
  })
  situation(@Root() v: ReturnVisit, @Ctx() ctx: Context) {
    return clearOrNull(ctx, v.case.id, 'returnVisit.notes', () => this.notes(v, ctx).situation);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: `${PERSONAL_DATA_MARK}所作的解释说明（无权查看者为空）`,
  })
  explanation(@Root() v: ReturnVisit, @Ctx() ctx: Context) {
    return clearOrNull(ctx, v.case.id, 'returnVisit.notes', () => this.notes(v, ctx).explanation);
  }
}

@Resolver(() => TrackingRecord)
export class TrackingRecordResolver {
  private notes(r: TrackingRecord, ctx: Context): TrackingNotes {
    return once(r, () => ctx.services.followup.tracking.openNotes(r));
  }

  @FieldResolver(() => Boolean, { description: '情况说明对当前用户是否为明文（false 时为空）' })
  clear(@Root() r: TrackingRecord, @Ctx() ctx: Context) {
    return isClear(ctx, r.case.id);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: `${PERSONAL_DATA_MARK}动态情况（无权查看者为空）`,
  })
  situation(@Root() r: TrackingRecord, @Ctx() ctx: Context) {
    return clearOrNull(ctx, r.case.id, 'trackingRecord.notes', () => this.notes(r, ctx).situation);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: `${PERSONAL_DATA_MARK}采取的措施（无权查看者为空）`,
  })
  measures(@Root() r: TrackingRecord, @Ctx() ctx: Context) {
    return clearOrNull(ctx, r.case.id, 'trackingRecord.notes', () => this.notes(r, ctx).measures);
  }
}

@Resolver(() => EscalationReport)
export class EscalationResolver {
  private report(r: EscalationReport, ctx: Context): ReportNotes {
    return once(r, () => ctx.services.followup.escalations.openReport(r));
  }

  @Query(() => EscalationReport, { description: '按 ID 查询报告（管辖范围内）' })
  escalationReport(@Arg('id', () => ID) id: string, @Ctx() { actor, services }: Context) {
    return services.followup.escalations.byId(actor, Number(id));
  }

  @Query(() => EscalationReportConnection, {
    description: '本机构收到的报告（审核人员的收件箱；默认为未办结的，最早的在前，每页最多 100 条）',
  })
  async escalationInbox(
    @Ctx() { actor, services }: Context,
    @Arg('statuses', () => [EscalationStatus], {
      nullable: true,
      description: '按状态筛选（默认 REPORTED、ACKNOWLEDGED）',
    })
    statuses?: EscalationStatus[],
    @Arg('first', () => Int, { defaultValue: 20 }) first = 20,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ) {
    return toConnection(await services.followup.escalations.inbox(actor, statuses, first, after));
  }

  @Mutation(() => EscalationReport, { description: '向最近的上一级信访工作机构报告（承办单位经办人员）' })
  reportEscalation(@Arg('input') input: ReportEscalationInput, @Ctx() { actor, services }: Context) {
    return services.followup.escalations.report(actor, input);
  }

  @Mutation(() => EscalationReport, {
    description: '签收报告并记录措施（接收报告的信访工作机构审核人员）：REPORTED → ACKNOWLEDGED',
  })
  acknowledgeEscalation(
    @Arg('input') input: AcknowledgeEscalationInput,
    @Ctx() { actor, services }: Context,
  ) {
    return services.followup.escalations.acknowledge(actor, input);
  }

  @Mutation(() => EscalationReport, {
    description:
      '办结报告并记录措施：ACKNOWLEDGED → RESOLVED；属于新的信访事项时同时登记新事项（与原终结事项关联）',
  })
  resolveEscalation(@Arg('input') input: ResolveEscalationInput, @Ctx() { actor, services }: Context) {
    return services.followup.escalations.resolve(actor, input);
  }

  @FieldResolver(() => PetitionCase, { description: '所属的已终结事项' })
  async case(@Root() r: EscalationReport, @Ctx() ctx: Context) {
    return (await ctx.loaders.cases.load(r.case.id))!;
  }

  @FieldResolver(() => Unit, { description: '接收报告的信访工作机构（承办单位最近的上一级）' })
  targetAgency(@Root() r: EscalationReport, @Ctx() { loaders }: Context) {
    return loadUnit(loaders, r.targetAgency.id);
  }

  @FieldResolver(() => ID, { nullable: true, description: '据以报告的动态跟踪记录 ID' })
  trackingRecordId(@Root() r: EscalationReport) {
    return r.trackingRecordId ?? null;
  }

  @FieldResolver(() => PetitionCase, { nullable: true, description: '作为新事项登记的信访事项' })
  newCase(@Root() r: EscalationReport, @Ctx() ctx: Context) {
    return r.newCaseId ? visibleCase(ctx, r.newCaseId) : null;
  }

  @FieldResolver(() => Boolean, { description: '报告内容对当前用户是否为明文（false 时为空）' })
  clear(@Root() r: EscalationReport, @Ctx() ctx: Context) {
    return isClear(ctx, r.case.id);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: `${PERSONAL_DATA_MARK}新的诉求或可能引发的问题（无权查看者为空）`,
  })
  description(@Root() r: EscalationReport, @Ctx() ctx: Context) {
    return clearOrNull(ctx, r.case.id, 'escalationReport.report', () => this.report(r, ctx).description);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: `${PERSONAL_DATA_MARK}承办单位已采取的措施（无权查看者为空）`,
  })
  measuresTaken(@Root() r: EscalationReport, @Ctx() ctx: Context) {
    return clearOrNull(ctx, r.case.id, 'escalationReport.report', () => this.report(r, ctx).measuresTaken);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: `${PERSONAL_DATA_MARK}签收时采取的措施（无权查看者为空）`,
  })
  acknowledgeMeasures(@Root() r: EscalationReport, @Ctx() ctx: Context) {
    if (!r.acknowledgeEnc) return null;
    return clearOrNull(ctx, r.case.id, 'escalationReport.acknowledge', () =>
      ctx.services.followup.escalations.openAcknowledge(r),
    );
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: `${PERSONAL_DATA_MARK}办结时采取的措施（无权查看者为空）`,
  })
  resolveMeasures(@Root() r: EscalationReport, @Ctx() ctx: Context) {
    if (!r.resolveEnc) return null;
    return clearOrNull(ctx, r.case.id, 'escalationReport.resolve', () =>
      ctx.services.followup.escalations.openResolve(r),
    );
  }
}

export const followUpResolvers = [
  FollowUpResolver,
  CaseFollowUpFieldsResolver,
  TerminationArchiveResolver,
  ArchiveDocumentResolver,
  ArchiveDocumentVersionResolver,
  StoredFileResolver,
  ReturnVisitResolver,
  TrackingRecordResolver,
  EscalationResolver,
] as const;
