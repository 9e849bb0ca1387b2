import { Args, Ctx, Query, Resolver } from 'type-graphql';
import type { Context } from '../../../graphql/context';
import { Cost } from '../../../graphql/cost';
import { PeriodArgs } from '../../../shared/graphql-args';
import type { Unit } from '../../org/unit.entity';
import { reportCsvPath } from '../report.csv';
import { FollowUpReportView, FollowUpStatisticsView } from './views';

/** The report's rows with the address of the same report as CSV (report.http.ts serves it). */
const withCsv = <T extends { unit: Unit; from: string | null; to: string | null }>(r: T) => ({
  ...r,
  csvPath: reportCsvPath(r.unit.code, r.from, r.to),
});

/** Follow-up statistics and the periodic report (DESIGN.md §2.4, StatisticsService): numbers only. */
@Resolver()
export class StatisticsResolver {
  @Cost({ own: 500 })
  @Query(() => FollowUpStatisticsView, {
    description:
      '信访终结后续管理统计：终结事项、应回访/已回访/超期、档案齐全率、报告上级各状态、整改未完结/逾期、社会监督意见',
  })
  followUpStatistics(@Ctx() { actor, services }: Context, @Args() { unitCode, from, to }: PeriodArgs) {
    return services.supervision.statistics.statistics(actor, unitCode, from, to);
  }

  @Cost({ own: 1_000 }) // one statistics row per unit of the subtree
  @Query(() => FollowUpReportView, {
    description:
      '信访终结后续管理定期报告（报上一级信访工作机构）：各单位一行及合计；另可下载 CSV（csvPath）',
  })
  async followUpReport(@Ctx() { actor, services }: Context, @Args() { unitCode, from, to }: PeriodArgs) {
    return withCsv(await services.supervision.statistics.report(actor, unitCode, from, to));
  }
}
