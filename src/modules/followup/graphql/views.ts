import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Connection } from '../../../graphql/connection';
import { Cost } from '../../../graphql/cost';
import { PetitionCase } from '../../case/case.entity';
import { EscalationReport, TerminationArchive } from '../followup.entity';
import { ArchiveItemKind, VisitSlotStatus } from '../followup.enums';
import { LocalDate } from '../../../graphql/scalars/local-date';

/*
 * The follow-up module's GraphQL object types that are not entities, and its connections. The
 * entities (TerminationArchive, ArchiveDocument, ReturnVisit, TrackingRecord, EscalationReport, …)
 * are object types themselves (followup.entity.ts); their computed fields are in the resolvers.
 */

@ObjectType('FollowUp', { description: '已终结事项的后续管理：档案、回访、动态跟踪、报告' })
export class FollowUp {
  @Field(() => PetitionCase, { description: '已终结的信访事项' })
  case!: PetitionCase;
  @Field(() => TerminationArchive, { description: '信访终结档案' })
  archive!: TerminationArchive;
}

@ObjectType('ArchiveRequirement', { description: '档案必备材料及其是否齐全' })
export class ArchiveRequirement {
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
export class VisitPolicyView {
  @Field(() => Int, { description: '终结后首次回访的期限（天）' })
  firstDays!: number;
  @Field(() => Int, { description: '此后每隔多少天回访一次' })
  intervalDays!: number;
  @Field(() => Int, { description: '回访持续的月数（自终结之日起）' })
  periodMonths!: number;
}

@ObjectType('VisitSlot', { description: '一期应回访' })
export class VisitSlotView {
  @Field(() => Int, { description: '期次，从 1 起' })
  index!: number;
  @Field(() => LocalDate, { description: '本期开始日期（上一期应回访日期或终结日期）' })
  windowStart!: string;
  @Field(() => LocalDate, { description: '应回访日期（最迟）' })
  dueDate!: string;
  @Field(() => VisitSlotStatus)
  status!: VisitSlotStatus;
  @Field(() => ID, { nullable: true, description: '计入本期的回访记录' })
  visitId!: number | null;
  @Field(() => LocalDate, { nullable: true, description: '计入本期的回访日期' })
  visitedOn!: string | null;
}

@ObjectType('VisitSchedule', {
  description:
    '回访计划：首次回访在终结后 firstDays 天内，此后每 intervalDays 天一次，持续 periodMonths 个月；每期由该期开始后第一次尚未计入的回访完成',
})
export class VisitScheduleView {
  @Field(() => VisitPolicyView)
  policy!: VisitPolicyView;
  @Field(() => LocalDate, { description: '回访期结束日期' })
  periodEnd!: string;
  @Field(() => LocalDate, {
    nullable: true,
    description: '下一次应回访日期（最早一期未完成的应回访日期）；全部完成时为空',
  })
  nextDue!: string | null;
  @Cost({ assumedSize: 10 }) // a slot per interval within the visit policy's period
  @Field(() => [VisitSlotView], { description: '已超期未回访的各期' })
  overdue!: VisitSlotView[];
  @Cost({ assumedSize: 10 })
  @Field(() => [VisitSlotView], { description: '全部各期' })
  slots!: VisitSlotView[];
}

@ObjectType('OverdueReturnVisit', { description: '有超期未回访的已终结事项' })
export class OverdueReturnVisit {
  @Field(() => PetitionCase)
  case!: PetitionCase;
  @Field(() => LocalDate, { description: '最早一期超期的应回访日期' })
  oldestDueDate!: string;
  @Field(() => [VisitSlotView], { description: '超期未回访的各期' })
  overdue!: VisitSlotView[];
}

export const OverdueReturnVisitConnection = Connection(
  'OverdueReturnVisit',
  OverdueReturnVisit,
  '超期未回访的事项（最早超期的在前）',
);

export const EscalationReportConnection = Connection('EscalationReport', EscalationReport, '报告列表');
