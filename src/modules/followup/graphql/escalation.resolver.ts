import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../../graphql/context';
import { toConnection } from '../../../graphql/connection';
import { PAGE_MAX } from '../../../shared/paging';
import { loadUnit } from '../../../graphql/loaders';
import { visibleCase } from '../../../access/jurisdiction';
import { caseClearText, caseIsClear } from '../../../access/visibility';
import { PetitionCase } from '../../case/case.entity';
import { Unit } from '../../org/unit.entity';
import { PERSONAL_DATA_MARK } from '../../petitioner/personal-data';
import type { ReportNotes } from '../escalation.service';
import { EscalationReport } from '../followup.entity';
import { EscalationStatus } from '../followup.enums';
import { openOnce } from '../sealed-text';
import { BarePageArgs } from '../../../shared/graphql-args';
import { AcknowledgeEscalationInput, ReportEscalationInput, ResolveEscalationInput } from './inputs';
import { EscalationReportConnection } from './views';

/**
 * Reports to the petition agency above (DESIGN.md §2.3, EscalationService): report, acknowledge,
 * resolve (possibly as a new case), the reviewers' inbox, and the reports' text.
 */
@Resolver(() => EscalationReport)
export class EscalationResolver {
  private report(r: EscalationReport, ctx: Context): ReportNotes {
    return openOnce(r, () => ctx.services.followup.escalations.openReport(r));
  }

  @Query(() => EscalationReport, { description: '按 ID 查询报告（管辖范围内）' })
  escalationReport(@Arg('id', () => ID) id: string, @Ctx() { actor, services }: Context) {
    return services.followup.escalations.byId(actor, Number(id));
  }

  @Query(() => EscalationReportConnection, {
    description: `本机构收到的报告（审核人员的收件箱；默认为未办结的，最早的在前，每页最多 ${PAGE_MAX} 条）`,
  })
  async escalationInbox(
    @Ctx() { actor, services }: Context,
    @Arg('statuses', () => [EscalationStatus], {
      nullable: true,
      description: '按状态筛选（默认 REPORTED、ACKNOWLEDGED）',
    })
    statuses: EscalationStatus[] | undefined,
    @Args() { first, after }: BarePageArgs,
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
    return caseIsClear(ctx, r.case.id);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: `${PERSONAL_DATA_MARK}新的诉求或可能引发的问题（无权查看者为空）`,
  })
  description(@Root() r: EscalationReport, @Ctx() ctx: Context) {
    return caseClearText(ctx, r.case.id, 'escalationReport.report', () => this.report(r, ctx).description);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: `${PERSONAL_DATA_MARK}承办单位已采取的措施（无权查看者为空）`,
  })
  measuresTaken(@Root() r: EscalationReport, @Ctx() ctx: Context) {
    return caseClearText(ctx, r.case.id, 'escalationReport.report', () => this.report(r, ctx).measuresTaken);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: `${PERSONAL_DATA_MARK}签收时采取的措施（无权查看者为空）`,
  })
  acknowledgeMeasures(@Root() r: EscalationReport, @Ctx() ctx: Context) {
    if (!r.acknowledgeEnc) return null;
    return caseClearText(ctx, r.case.id, 'escalationReport.acknowledge', () =>
      ctx.services.followup.escalations.openAcknowledge(r),
    );
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: `${PERSONAL_DATA_MARK}办结时采取的措施（无权查看者为空）`,
  })
  resolveMeasures(@Root() r: EscalationReport, @Ctx() ctx: Context) {
    if (!r.resolveEnc) return null;
    return caseClearText(ctx, r.case.id, 'escalationReport.resolve', () =>
      ctx.services.followup.escalations.openResolve(r),
    );
  }
}
