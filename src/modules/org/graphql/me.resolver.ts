import { Ctx, Query, Resolver } from 'type-graphql';
import type { Context } from '../../../graphql/context';
import { Me } from './views';

/** The acting user (from the request's token, app.ts) and their unit. */
@Resolver(() => Me)
export class MeResolver {
  @Query(() => Me, { description: '当前用户及其单位' })
  async me(@Ctx() { actor, services }: Context): Promise<Me> {
    return {
      userId: actor.userId,
      name: actor.name,
      role: actor.role,
      unit: (await services.units.byId(actor.unitId))!,
    };
  }
}
