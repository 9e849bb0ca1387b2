import { Args, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../../graphql/context';
import { Cost } from '../../../graphql/cost';
import { PAGE_MAX } from '../../../shared/paging';
import { toConnection } from '../../../graphql/connection';
import { loadUnit } from '../../../graphql/loaders';
import { PageArgs, PeriodArgs } from '../../../shared/graphql-args';
import { PetitionCase } from '../../case/case.entity';
import { Unit } from '../../org/unit.entity';
import { OpenEscalationArgs, PAGE, StaleTrackingArgs } from './args';
import {
  IncompleteArchiveCaseConnection,
  LookupActivityConnection,
  LookupActivityView,
  OpenEscalation,
  OpenEscalationConnection,
  OverdueVisitCaseConnection,
  StaleTrackingCaseConnection,
} from './views';

/**
 * The inspection queries (DESIGN.md §2.4): lists of terminated cases and reports that fall short
 * of the follow-up rules, within the inspector's scope (InspectionQueryService).
 */
@Resolver()
export class InspectionQueryResolver {
  @Cost({ own: 200, pageCap: PAGE_MAX }) // visit schedules computed for every terminated case
  @Query(() => OverdueVisitCaseConnection, {
    description: `监督检查：超期未回访的已终结事项（按回访政策；应回访日期在期间内且已超期；最早超期的在前；${PAGE}）`,
  })
  async inspectionOverdueVisits(
    @Ctx() { actor, services }: Context,
    @Args() period: PeriodArgs,
    @Args() { first, after }: PageArgs,
  ) {
    return toConnection(await services.supervision.queries.overdueVisits(actor, period, first, after));
  }

  @Cost({ own: 200, pageCap: PAGE_MAX }) // archive completeness computed for every terminated case
  @Query(() => IncompleteArchiveCaseConnection, {
    description: `监督检查：档案必备材料不全的已终结事项（期间按终结日期；列出缺少的材料；${PAGE}）`,
  })
  async inspectionIncompleteArchives(
    @Ctx() { actor, services }: Context,
    @Args() period: PeriodArgs,
    @Args() { first, after }: PageArgs,
  ) {
    return toConnection(await services.supervision.queries.incompleteArchives(actor, period, first, after));
  }

  @Cost({ own: 200, pageCap: PAGE_MAX })
  @Query(() => StaleTrackingCaseConnection, {
    description: `监督检查：超过 days 天没有动态跟踪记录的已终结事项（期间按终结日期；最久未跟踪的在前；${PAGE}）`,
  })
  async inspectionStaleTracking(
    @Ctx() { actor, services }: Context,
    @Args() filter: StaleTrackingArgs,
    @Args() { first, after }: PageArgs,
  ) {
    const page = await services.supervision.queries.staleTracking(actor, filter, first, after);
    return { ...toConnection(page), days: page.days };
  }

  @Cost({ own: 100, pageCap: PAGE_MAX })
  @Query(() => OpenEscalationConnection, {
    description: `监督检查：尚未办结的报告上级，按时长（期间按报告日期；最早的在前；${PAGE}）`,
  })
  async inspectionOpenEscalations(
    @Ctx() { actor, services }: Context,
    @Args() filter: OpenEscalationArgs,
    @Args() { first, after }: PageArgs,
  ) {
    return toConnection(await services.supervision.queries.openEscalations(actor, filter, first, after));
  }

  @Cost({ own: 1_000, pageCap: PAGE_MAX }) // aggregates the audit log over the period
  @Query(() => LookupActivityConnection, {
    description: `监督检查：各工作人员的查询行为（来自审计日志；只有次数；次数最多的在前；${PAGE}）`,
  })
  async inspectionLookupActivity(
    @Ctx() { actor, services }: Context,
    @Args() period: PeriodArgs,
    @Args() { first, after }: PageArgs,
  ) {
    return toConnection(await services.supervision.queries.lookupActivity(actor, period, first, after));
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
