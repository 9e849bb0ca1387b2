import {
  Arg,
  Ctx,
  Field,
  FieldResolver,
  ID,
  InputType,
  Mutation,
  ObjectType,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import { Length, Matches } from 'class-validator';
import type { Context } from '../../graphql/context';
import { Cost } from '../../graphql/cost';
import type { Role } from '../../access/roles';
import { RoleEnum } from './role';
import { Unit, UnitKind } from './unit.entity';
import { loadNearestAgencyAbove, loadParentUnit } from '../../graphql/loaders';
import { IdempotencyKeyField } from '../../graphql/idempotency-key';

@ObjectType('Me', { description: '当前用户' })
class Me {
  @Field(() => ID, { description: '用户标识' })
  userId!: string;
  @Field({ description: '姓名' })
  name!: string;
  @Field(() => RoleEnum, { description: '角色' })
  role!: Role;
  @Field(() => Unit, { description: '所属单位' })
  unit!: Unit;
}

@InputType({ description: '新建单位' })
class CreateUnitInput {
  @Field({ description: '单位代码，大写字母、数字和连字符，如 ZJ-HZ-RS' })
  @Matches(/^[A-Z0-9]+(-[A-Z0-9]+)*$/, { message: '单位代码只能由大写字母、数字和连字符组成' })
  code!: string;
  @Field({ description: '单位名称' })
  @Length(1, 200, { message: '单位名称长度应为1–200字' })
  name!: string;
  @Field(() => UnitKind, { description: '单位类别' })
  kind!: UnitKind;
  @Field(() => String, { nullable: true, description: '上级单位代码；为空表示根单位' })
  parentCode?: string | null;
  @IdempotencyKeyField()
  idempotencyKey?: string | null;
}

@Resolver(() => Unit)
export class UnitResolver {
  @Query(() => Me, { description: '当前用户及其单位' })
  async me(@Ctx() { actor, services }: Context): Promise<Me> {
    return {
      userId: actor.userId,
      name: actor.name,
      role: actor.role,
      unit: (await services.units.byId(actor.unitId))!,
    };
  }

  @Query(() => Unit, { nullable: true, description: '按代码查询单位' })
  unit(@Arg('code') code: string, @Ctx() { services }: Context) {
    return services.units.byCode(code);
  }

  // The unit tree: only administrators change it, within their jurisdiction.
  @Cost({ assumedSize: 200 })
  @Query(() => [Unit], { description: '全部单位（按树的顺序）' })
  units(@Ctx() { services }: Context) {
    return services.units.list();
  }

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

  @Query(() => Boolean, { description: '单位 a 是否就是单位 b 或在其之上' })
  isSameOrAbove(@Arg('a') a: string, @Arg('b') b: string, @Ctx() { services }: Context) {
    return services.units.isSameOrAbove(a, b);
  }

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
