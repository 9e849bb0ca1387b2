import { ArgsType, Field, Int } from 'type-graphql';
import { PAGE_MAX } from './paging';
import { LocalDate } from '../graphql/scalars/local-date';

/*
 * Argument blocks that many list and report fields share, declared once (type-graphql @ArgsType).
 * A field takes them as `@Args() period: PeriodArgs, @Args() page: PageArgs`, with its own
 * arguments between them where it has any (the schema lists arguments in that order), or a
 * subclass adds fields after them (`class StaleTrackingArgs extends PeriodArgs { days }`).
 */

/** The largest page of a list that takes PageArgs: the hub's one page cap (shared/paging.ts). */
export { PAGE_MAX };

/** A cursor page: `first` (default 20) rows after `after`, the previous page's endCursor. */
@ArgsType()
export class PageArgs {
  @Field(() => Int, { defaultValue: 20, description: `每页条数（1–${PAGE_MAX}）` })
  first!: number;

  @Field(() => String, { nullable: true, description: '上一页的 endCursor' })
  after?: string;
}

/**
 * PageArgs without descriptions in the schema: the lists that paged before PageArgs existed
 * (`cases`, `overdueReturnVisits`, `escalationInbox`) keep their arguments as the schema has
 * them; moving them to PageArgs would add the two descriptions, a deliberate schema change for
 * another step.
 */
@ArgsType()
export class BarePageArgs {
  @Field(() => Int, { defaultValue: 20 })
  first!: number;

  @Field(() => String, { nullable: true })
  after?: string;
}

/** A unit's subtree and a period of calendar days, both ends inclusive, each end open when absent. */
@ArgsType()
export class PeriodArgs {
  @Field(() => String, {
    nullable: true,
    description: '单位代码：只看该单位及其下级单位（默认本人所在单位）',
  })
  unitCode?: string;

  @Field(() => LocalDate, { nullable: true, description: '期间起 YYYY-MM-DD（含）' })
  from?: string;

  @Field(() => LocalDate, { nullable: true, description: '期间止 YYYY-MM-DD（含）' })
  to?: string;
}
