import { ArgsType, Field, Int } from 'type-graphql';
import { PeriodArgs } from '../../../shared/graphql-args';
import { PAGE_MAX } from '../../../shared/paging';

/*
 * The supervision module's argument blocks. The shared ones are in shared/graphql-args.ts:
 * PeriodArgs (unitCode, from, to) and PageArgs (first, after); a list takes
 * `@Args() period: PeriodArgs` (or one of the subclasses here) and then `@Args() page: PageArgs`.
 */

/** The page cap, as the lists' descriptions state it. */
export const PAGE = `每页最多 ${PAGE_MAX} 条`;

/** inspectionStaleTracking: the period, then the number of days without tracking. */
@ArgsType()
export class StaleTrackingArgs extends PeriodArgs {
  @Field(() => Int, { nullable: true, description: '天数（默认 TRACKING_STALE_DAYS，60 天）' })
  days?: number;
}

/** inspectionOpenEscalations: the period, then the least age of a report. */
@ArgsType()
export class OpenEscalationArgs extends PeriodArgs {
  @Field(() => Int, { nullable: true, description: '只看报告至今不少于这么多天的' })
  minAgeDays?: number;
}
