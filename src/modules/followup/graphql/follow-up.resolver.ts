import { Arg, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../../graphql/context';
import { LAST_ARG, LastInt, latest } from '../../../graphql/list-bound';
import { followUpVisible } from '../../../access/follow-up';
import { visibleCase } from '../../../access/jurisdiction';
import { PetitionCase } from '../../case/case.entity';
import { EscalationReport, ReturnVisit, TrackingRecord } from '../followup.entity';
import { followUpLoaders } from '../followup.loaders';
import { FollowUp, VisitScheduleView } from './views';

/**
 * A terminated case's follow-up (DESIGN.md §2.3): the root `followUp` and `PetitionCase.followUp`,
 * and the records under it. Who reaches it is access/follow-up.ts; the records' own fields are
 * in archive, visit, tracking and escalation resolvers.
 */
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
  async visitSchedule(@Root() f: FollowUp, @Ctx() ctx: Context): Promise<VisitScheduleView> {
    const visits = await followUpLoaders(ctx).visits.load(f.case.id);
    const { visits: service } = ctx.services.followup;
    return { policy: service.policy, ...service.schedule(f.case, visits) };
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
