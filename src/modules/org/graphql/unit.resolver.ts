import { Arg, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../../graphql/context';
import { Cost } from '../../../graphql/cost';
import { loadNearestAgencyAbove, loadParentUnit } from '../../../graphql/loaders';
import { Unit } from '../unit.entity';
import { CreateUnitInput } from './inputs';

/**
 * The unit tree (ltree paths): look-ups, the tree's relations through the request's loaders, and
 * its changes. Only administrators change it, within their jurisdiction (unit.service.ts).
 */
@Resolver(() => Unit)
export class UnitResolver {
  @Query(() => Unit, { nullable: true, description: '按代码查询单位' })
  unit(@Arg('code') code: string, @Ctx() { services }: Context) {
    return services.units.byCode(code);
  }

  @Cost({ assumedSize: 200 })
  @Query(() => [Unit], { description: '全部单位（按树的顺序）' })
  units(@Ctx() { services }: Context) {
    return services.units.list();
  }

  @Query(() => Boolean, { description: '单位 a 是否就是单位 b 或在其之上' })
  isSameOrAbove(@Arg('a') a: string, @Arg('b') b: string, @Ctx() { services }: Context) {
    return services.units.isSameOrAbove(a, b);
  }

  // ---- fields ----

  @FieldResolver(() => Unit, { nullable: true, description: '上级单位' })
  parent(@Root() unit: Unit, @Ctx() { loaders }: Context) {
    return loadParentUnit(loaders, unit);
  }

  @Cost({ assumedSize: 6 })
  @FieldResolver(() => [Unit], { description: '全部上级单位，从根开始' })
  ancestors(@Root() unit: Unit, @Ctx() { loaders }: Context) {
    return loaders.unitAncestors.load(unit.id);
  }

  @Cost({ assumedSize: 100 })
  @FieldResolver(() => [Unit], { description: '全部下级单位' })
  descendants(@Root() unit: Unit, @Ctx() { loaders }: Context) {
    return loaders.unitDescendants.load(unit.id);
  }

  @FieldResolver(() => Unit, {
    nullable: true,
    description: '最近的上级信访工作机构（审核本单位终结申请的机构）',
  })
  nearestAgencyAbove(@Root() unit: Unit, @Ctx() { loaders }: Context) {
    return loadNearestAgencyAbove(loaders, unit);
  }

  // ---- changes (administrators) ----

  @Mutation(() => Unit, { description: '新建单位（管理员）' })
  createUnit(@Arg('input') input: CreateUnitInput, @Ctx() { actor, services }: Context) {
    return services.units.create(actor, input);
  }

  @Mutation(() => Unit, { description: '重命名单位（管理员）' })
  renameUnit(@Arg('code') code: string, @Arg('name') name: string, @Ctx() { actor, services }: Context) {
    return services.units.rename(actor, code, name);
  }

  @Mutation(() => Unit, { description: '移动单位到新的上级之下（管理员）；不能移到自己的下级之下' })
  moveUnit(
    @Arg('code') code: string,
    @Arg('newParentCode', () => String, { nullable: true }) newParentCode: string | null,
    @Ctx() { actor, services }: Context,
  ) {
    return services.units.move(actor, code, newParentCode);
  }
}
