import { Arg, Args, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../../graphql/context';
import { toConnection } from '../../../graphql/connection';
import { PAGE_MAX } from '../../../shared/paging';
import { caseClearText, caseIsClear } from '../../../access/visibility';
import { PERSONAL_DATA_MARK } from '../../petitioner/personal-data';
import { ReturnVisit } from '../followup.entity';
import { openOnce } from '../sealed-text';
import type { VisitNotes } from '../visit.service';
import { BarePageArgs } from '../../../shared/graphql-args';
import { RecordReturnVisitInput } from './inputs';
import { OverdueReturnVisitConnection } from './views';

/** Return visits (DESIGN.md §2.3, VisitService): recording them, the overdue list, their notes. */
@Resolver(() => ReturnVisit)
export class ReturnVisitResolver {
  @Query(() => OverdueReturnVisitConnection, {
    description: `本单位及下级单位超期未回访的已终结事项（最早超期的在前，每页最多 ${PAGE_MAX} 条）`,
  })
  async overdueReturnVisits(
    @Ctx() { actor, services }: Context,
    @Arg('unitCode', () => String, { nullable: true, description: '只看该单位及其下级单位' })
    unitCode: string | undefined,
    @Args() { first, after }: BarePageArgs,
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

  @Mutation(() => ReturnVisit, { description: '记录回访（承办单位经办人员）' })
  recordReturnVisit(@Arg('input') input: RecordReturnVisitInput, @Ctx() { actor, services }: Context) {
    return services.followup.visits.record(actor, input);
  }

  private notes(v: ReturnVisit, ctx: Context): VisitNotes {
    return openOnce(v, () => ctx.services.followup.visits.openNotes(v));
  }

  @FieldResolver(() => Boolean, { description: '回访内容对当前用户是否为明文（false 时为空）' })
  clear(@Root() v: ReturnVisit, @Ctx() ctx: Context) {
    return caseIsClear(ctx, v.case.id);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: `${PERSONAL_DATA_MARK}信访人的意见（无权查看者为空）`,
  })
  opinions(@Root() v: ReturnVisit, @Ctx() ctx: Context) {
    return caseClearText(ctx, v.case.id, 'returnVisit.notes', () => this.notes(v, ctx).opinions);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: `${PERSONAL_DATA_MARK}信访人的建议（无权查看者为空）`,
  })
  suggestions(@Root() v: ReturnVisit, @Ctx() ctx: Context) {
    return caseClearText(ctx, v.case.id, 'returnVisit.notes', () => this.notes(v, ctx).suggestions);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: `${PERSONAL_DATA_MARK}信访人的思想动态和实际生活情况（无权查看者为空）`,
  })
  situation(@Root() v: ReturnVisit, @Ctx() ctx: Context) {
    return caseClearText(ctx, v.case.id, 'returnVisit.notes', () => this.notes(v, ctx).situation);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: `${PERSONAL_DATA_MARK}所作的解释说明（无权查看者为空）`,
  })
  explanation(@Root() v: ReturnVisit, @Ctx() ctx: Context) {
    return caseClearText(ctx, v.case.id, 'returnVisit.notes', () => this.notes(v, ctx).explanation);
  }
}
