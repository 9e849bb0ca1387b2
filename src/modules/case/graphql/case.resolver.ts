import { Arg, Args, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { Context } from '../../../graphql/context';
import { toConnection } from '../../../graphql/connection';
import { Cost } from '../../../graphql/cost';
import { PAGE_MAX } from '../../../shared/paging';
import { PetitionCase } from '../case.entity';
import { CaseListArgs } from './args';
import { RegisterCaseInput } from './inputs';
import { CaseConnection } from './views';

/**
 * Cases as a root concept: one case, the list of a unit's subtree, and registration. Who sees
 * which case is the service's (`visible`, `list`: the reader's jurisdiction); the procedure's
 * steps are in procedure.resolver.ts, the case's fields in case-fields.resolver.ts.
 */
@Resolver(() => PetitionCase)
export class CaseResolver {
  @Query(() => PetitionCase, { description: '按 ID 查询本单位及下级单位的信访事项' })
  case(@Arg('id', () => ID) id: string, @Ctx() { actor, services }: Context) {
    return services.cases.visible(actor, Number(id));
  }

  @Cost({ pageCap: PAGE_MAX })
  @Query(() => CaseConnection, {
    description: `本单位及下级单位的信访事项（每页最多 ${PAGE_MAX} 条，按登记倒序）`,
  })
  async cases(@Args() { filter, first, after }: CaseListArgs, @Ctx() { actor, services }: Context) {
    return toConnection(await services.cases.list(actor, filter ?? {}, first, after));
  }

  @Mutation(() => PetitionCase, { description: '登记（受理）信访事项，承办单位为本单位' })
  registerCase(@Arg('input') input: RegisterCaseInput, @Ctx() { actor, services }: Context) {
    return services.cases.register(actor, input);
  }
}
