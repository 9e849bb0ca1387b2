import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../../graphql/context';
import { Cost } from '../../../graphql/cost';
import { PAGE_MAX } from '../../../shared/paging';
import { toConnection } from '../../../graphql/connection';
import { LAST_ARG, LastInt, latest } from '../../../graphql/list-bound';
import { loadUnit } from '../../../graphql/loaders';
import { visibleCase } from '../../../access/jurisdiction';
import { PageArgs } from '../../../shared/graphql-args';
import { PetitionCase } from '../../case/case.entity';
import { Unit } from '../../org/unit.entity';
import {
  AccountabilityRecord,
  Inspection,
  InspectionFinding,
  RectificationOrder,
} from '../supervision.entity';
import { supervisionLoaders } from '../supervision.loaders';
import { PAGE } from './args';
import { AddInspectionFindingInput, CreateInspectionInput, InspectionFilterInput } from './inputs';
import { InspectionConnection } from './views';

/** Inspections and their findings (DESIGN.md §2.4, InspectionService). */
@Resolver(() => Inspection)
export class InspectionResolver {
  @Cost({ pageCap: PAGE_MAX })
  @Query(() => InspectionConnection, { description: `监督检查（本人管辖范围内的；${PAGE}）` })
  async inspections(
    @Ctx() { actor, services }: Context,
    @Arg('filter', () => InspectionFilterInput, { nullable: true }) filter: InspectionFilterInput | undefined,
    @Args() { first, after }: PageArgs,
  ) {
    return toConnection(await services.supervision.inspections.list(actor, filter ?? {}, first, after));
  }

  @Query(() => Inspection, { description: '按 ID 查询监督检查' })
  inspection(@Arg('id', () => ID) id: string, @Ctx() { actor, services }: Context) {
    return services.supervision.inspections.byId(actor, Number(id));
  }

  @Mutation(() => Inspection, { description: '登记监督检查（监督检查人员）：检查范围、被检查期间、检查人员' })
  createInspection(@Arg('input') input: CreateInspectionInput, @Ctx() { actor, services }: Context) {
    return services.supervision.inspections.create(actor, input);
  }

  @Mutation(() => Inspection, { description: '结束检查并作出结论：IN_PROGRESS → CONCLUDED' })
  concludeInspection(
    @Arg('inspectionId', () => ID) inspectionId: string,
    @Arg('conclusion', { description: '检查结论' }) conclusion: string,
    @Ctx() { actor, services }: Context,
  ) {
    return services.supervision.inspections.conclude(actor, inspectionId, conclusion);
  }

  @FieldResolver(() => Unit, { description: '检查范围（该单位及其下级单位）' })
  scopeUnit(@Root() i: Inspection, @Ctx() { loaders }: Context) {
    return loadUnit(loaders, i.scopeUnit.id);
  }

  @FieldResolver(() => Unit, { description: '组织检查的单位' })
  organizingUnit(@Root() i: Inspection, @Ctx() { loaders }: Context) {
    return loadUnit(loaders, i.organizingUnit.id);
  }

  @FieldResolver(() => [InspectionFinding], { description: '检查发现的问题（最近的 last 个）' })
  async findings(@Root() i: Inspection, @Ctx() ctx: Context, @Arg('last', LastInt, LAST_ARG) last: number) {
    return latest(await supervisionLoaders(ctx).findingsByInspection.load(i.id), last);
  }
}

@Resolver(() => InspectionFinding)
export class InspectionFindingResolver {
  @Mutation(() => InspectionFinding, {
    description: '记录检查发现的问题（组织检查的监督检查人员；检查结束后不能再记录）',
  })
  addInspectionFinding(@Arg('input') input: AddInspectionFindingInput, @Ctx() { actor, services }: Context) {
    return services.supervision.inspections.addFinding(actor, input);
  }

  @FieldResolver(() => Inspection, { description: '所属检查' })
  async inspection(@Root() f: InspectionFinding, @Ctx() ctx: Context) {
    return (await supervisionLoaders(ctx).inspection.load(f.inspection.id))!;
  }

  @FieldResolver(() => Unit, { description: '问题所涉单位（事项的承办单位）' })
  unit(@Root() f: InspectionFinding, @Ctx() { loaders }: Context) {
    return loadUnit(loaders, f.unit.id);
  }

  @FieldResolver(() => PetitionCase, {
    nullable: true,
    description: '问题所涉的信访事项（信访人信息按权限脱敏；未终结且不在管辖范围内时为空）',
  })
  case(@Root() f: InspectionFinding, @Ctx() ctx: Context) {
    return visibleCase(ctx, f.caseId);
  }

  @FieldResolver(() => [RectificationOrder], { description: '整改通知（最近的 last 份）' })
  async rectificationOrders(
    @Root() f: InspectionFinding,
    @Ctx() ctx: Context,
    @Arg('last', LastInt, LAST_ARG) last: number,
  ) {
    return latest(await supervisionLoaders(ctx).ordersByFinding.load(f.id), last);
  }

  @FieldResolver(() => [AccountabilityRecord], {
    nullable: true,
    description: '责任追究记录（仅监督检查人员和系统管理员可见；最近的 last 条）',
  })
  async accountabilityRecords(
    @Root() f: InspectionFinding,
    @Ctx() ctx: Context,
    @Arg('last', LastInt, LAST_ARG) last: number,
  ) {
    return latest(await supervisionLoaders(ctx).accountabilityByFinding.load(f.id), last);
  }
}
