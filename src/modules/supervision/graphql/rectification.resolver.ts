import { Arg, Args, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../../graphql/context';
import { Cost } from '../../../graphql/cost';
import { PAGE_MAX } from '../../../shared/paging';
import { toConnection } from '../../../graphql/connection';
import { loadUnit } from '../../../graphql/loaders';
import { todayInChina } from '../../../shared/dates';
import { PageArgs, PeriodArgs } from '../../../shared/graphql-args';
import { Unit } from '../../org/unit.entity';
import * as deadline from '../deadline';
import { Inspection, InspectionFinding, RectificationOrder } from '../supervision.entity';
import { supervisionLoaders } from '../supervision.loaders';
import { PAGE } from './args';
import {
  IssueRectificationOrderInput,
  RectificationOrderFilterInput,
  ReportRectificationCompletionInput,
  VerifyRectificationInput,
} from './inputs';
import { RectificationOrderConnection } from './views';

/** "Today" by the hub's clock (injectable in tests), for the deadline fields. */
const today = (ctx: Context): string => todayInChina(ctx.services.supervision.now());

/** Rectification orders: issue, report completion, verify (DESIGN.md §2.4, InspectionService). */
@Resolver(() => RectificationOrder)
export class RectificationOrderResolver {
  @Cost({ pageCap: PAGE_MAX })
  @Query(() => RectificationOrderConnection, {
    description: `整改通知（责任单位在本人管辖范围内的；经办人员看本单位及下级单位的；最新的在前；${PAGE}）`,
  })
  async rectificationOrders(
    @Ctx() { actor, services }: Context,
    @Arg('filter', () => RectificationOrderFilterInput, { nullable: true })
    filter: RectificationOrderFilterInput | undefined,
    @Args() { first, after }: PageArgs,
  ) {
    return toConnection(await services.supervision.inspections.orders(actor, filter ?? {}, first, after));
  }

  @Cost({ own: 100, pageCap: PAGE_MAX })
  @Query(() => RectificationOrderConnection, {
    description: `监督检查：逾期未整改的整改通知（期间按下达日期；逾期最久的在前；${PAGE}）`,
  })
  async overdueRectifications(
    @Ctx() { actor, services }: Context,
    @Args() period: PeriodArgs,
    @Args() { first, after }: PageArgs,
  ) {
    return toConnection(await services.supervision.inspections.overdueOrders(actor, period, first, after));
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
    return deadline.isOverdue(o, today(ctx));
  }

  @FieldResolver(() => Int, { nullable: true, description: '逾期天数（未逾期时为空）' })
  daysOverdue(@Root() o: RectificationOrder, @Ctx() ctx: Context) {
    return deadline.daysOverdue(o, today(ctx));
  }

  @FieldResolver(() => Boolean, { nullable: true, description: '是否晚于期限才完成（尚未完成时为空）' })
  completedLate(@Root() o: RectificationOrder) {
    return deadline.completedLate(o);
  }
}
