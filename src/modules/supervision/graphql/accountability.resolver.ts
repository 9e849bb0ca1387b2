import { Arg, Args, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../../graphql/context';
import { Cost } from '../../../graphql/cost';
import { PAGE_MAX } from '../../../shared/paging';
import { toConnection } from '../../../graphql/connection';
import { loadUnit } from '../../../graphql/loaders';
import { PageArgs, PeriodArgs } from '../../../shared/graphql-args';
import { Unit } from '../../org/unit.entity';
import { AccountabilityRecord, InspectionFinding } from '../supervision.entity';
import { supervisionLoaders } from '../supervision.loaders';
import { PAGE } from './args';
import { AccountabilityFilterInput, RecordAccountabilityInput } from './inputs';
import { AccountabilityRecordConnection, AccountabilityStatisticsView } from './views';

/** Accountability records and their statistics (DESIGN.md §2.4, AccountabilityService). */
@Resolver(() => AccountabilityRecord)
export class AccountabilityResolver {
  @Cost({ pageCap: PAGE_MAX })
  @Query(() => AccountabilityRecordConnection, {
    description: `责任追究记录（仅监督检查人员和系统管理员；本人单位及下级单位的工作人员；${PAGE}）`,
  })
  async accountabilityRecords(
    @Ctx() { actor, services }: Context,
    @Arg('filter', () => AccountabilityFilterInput, { nullable: true })
    filter: AccountabilityFilterInput | undefined,
    @Args() { first, after }: PageArgs,
  ) {
    return toConnection(await services.supervision.accountability.list(actor, filter ?? {}, first, after));
  }

  @Cost({ own: 200 })
  @Query(() => AccountabilityStatisticsView, {
    description: '责任追究统计：按情形、按措施（仅监督检查人员和系统管理员）',
  })
  accountabilityStatistics(@Ctx() { actor, services }: Context, @Args() period: PeriodArgs) {
    return services.supervision.accountability.statistics(actor, period);
  }

  @Mutation(() => AccountabilityRecord, {
    description: '记录责任追究（组织检查的监督检查人员）：情形、措施、事实和依据，关联检查发现的问题',
  })
  recordAccountability(@Arg('input') input: RecordAccountabilityInput, @Ctx() { actor, services }: Context) {
    return services.supervision.accountability.record(actor, input);
  }

  @FieldResolver(() => InspectionFinding, { description: '所依据的检查发现的问题' })
  async finding(@Root() r: AccountabilityRecord, @Ctx() ctx: Context) {
    return (await supervisionLoaders(ctx).finding.load(r.finding.id))!;
  }

  @FieldResolver(() => Unit, { description: '工作人员所在单位' })
  staffUnit(@Root() r: AccountabilityRecord, @Ctx() { loaders }: Context) {
    return loadUnit(loaders, r.staffUnit.id);
  }
}
