import {
  Arg,
  Ctx,
  Field,
  FieldResolver,
  ID,
  InputType,
  Int,
  Mutation,
  ObjectType,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import type { Context } from '../../graphql/context';
import { LAST_ARG, LastInt, latest } from '../../graphql/list-bound';
import { Connection, toConnection } from '../../graphql/connection';
import { IdempotencyKeyArg, IdempotencyKeyField } from '../../graphql/idempotency-key';
import { Unit } from '../org/unit.entity';
import { PetitionerView, petitionerView } from '../petitioner/petitioner.graphql';
import { PERSONAL_DATA_MARK } from '../petitioner/personal-data';
import { caseVisibility, clearText, knownCaseVisibility } from '../../access/visibility';
import { unitOf } from '../../graphql/loaders';
import { TerminationApplication } from '../termination/termination.entity';
import { CaseStep, PetitionCase } from './case.entity';
import { CaseStatus, Category, CurrentStep, StepKind } from './case.enums';
import { PAGE_MAX } from '../../shared/paging';
import { Cost } from '../../graphql/cost';
import { LocalDate } from '../../graphql/scalars/local-date';

@InputType({ description: '信访人信息（个人信息，加密存储）' })
class PetitionerInput {
  @Field({ description: '姓名' })
  name!: string;
  @Field({ description: '居民身份证号码（18位，末位可为 X）' })
  idNumber!: string;
  @Field(() => String, { nullable: true, description: '联系电话（手机或固定电话）' })
  phone?: string | null;
  @Field(() => String, { nullable: true, description: '住址' })
  address?: string | null;
}

/** The matter as accepted: registration and an escalation's new matter take the same fields. */
@InputType('MatterInput', { description: '受理的信访事项' })
export class MatterInput {
  @Field(() => Category)
  category!: Category;
  @Field({ description: '标题' })
  title!: string;
  @Field({ description: '事实和理由' })
  factsAndReasons!: string;
  @Field({ description: '诉求' })
  requests!: string;
  @Field(() => LocalDate, { description: '受理日期 YYYY-MM-DD' })
  acceptedAt!: string;
  @Field({ description: '受理意见' })
  acceptanceOpinion!: string;
  @Field(() => LocalDate, { nullable: true, description: '受理告知送达信访人的日期' })
  acceptanceDeliveredAt?: string | null;
}

@InputType({ description: '登记（受理）信访事项' })
class RegisterCaseInput extends MatterInput {
  @Field(() => PetitionerInput)
  petitioner!: PetitionerInput;
  @IdempotencyKeyField()
  idempotencyKey?: string | null;
}

@InputType({ description: '记录办理、复查或复核意见' })
class RecordStepInput {
  @Field(() => ID)
  caseId!: string;
  @Field(() => StepKind, { description: 'HANDLING、REVIEW 或 RE_REVIEW' })
  kind!: StepKind;
  @Field({ description: '书面意见' })
  opinion!: string;
  @Field(() => LocalDate, { description: '作出意见的日期 YYYY-MM-DD' })
  decidedAt!: string;
  @Field(() => LocalDate, { nullable: true, description: '意见送达信访人的日期 YYYY-MM-DD' })
  deliveredAt?: string | null;
  @IdempotencyKeyField()
  idempotencyKey?: string | null;
}

@InputType({ description: '信访事项筛选条件' })
class CaseFilterInput {
  @Field(() => CaseStatus, { nullable: true })
  status?: CaseStatus | null;
  @Field(() => Category, { nullable: true })
  category?: Category | null;
  @Field(() => String, { nullable: true, description: '单位代码：该单位及其下级单位的事项' })
  unitCode?: string | null;
}

@ObjectType('CaseProgress', { description: '当前环节及法定期限' })
class CaseProgress {
  @Field(() => CurrentStep)
  currentStep!: CurrentStep;
  @Field(() => LocalDate, { nullable: true, description: '当前环节的期限（YYYY-MM-DD）' })
  dueDate!: string | null;
  @Field({ description: '本单位应办环节是否已超期' })
  overdue!: boolean;
}

const CaseConnection = Connection('Case', PetitionCase, '信访事项列表');

const caseId = (id: string) => Number(id);

@Resolver(() => PetitionCase)
export class CaseResolver {
  @Query(() => PetitionCase, { description: '按 ID 查询本单位及下级单位的信访事项' })
  case(@Arg('id', () => ID) id: string, @Ctx() { actor, services }: Context) {
    return services.cases.visible(actor, caseId(id));
  }

  @Cost({ pageCap: PAGE_MAX })
  @Query(() => CaseConnection, {
    description: `本单位及下级单位的信访事项（每页最多 ${PAGE_MAX} 条，按登记倒序）`,
  })
  async cases(
    @Ctx() { actor, services }: Context,
    @Arg('filter', () => CaseFilterInput, { nullable: true }) filter?: CaseFilterInput,
    @Arg('first', () => Int, { defaultValue: 20 }) first = 20,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ) {
    return toConnection(await services.cases.list(actor, filter ?? {}, first, after));
  }

  @Mutation(() => PetitionCase, { description: '登记（受理）信访事项，承办单位为本单位' })
  registerCase(@Arg('input') input: RegisterCaseInput, @Ctx() { actor, services }: Context) {
    return services.cases.register(actor, input);
  }

  @Mutation(() => PetitionCase, { description: '记录办理、复查或复核意见' })
  recordStep(@Arg('input') input: RecordStepInput, @Ctx() { actor, services }: Context) {
    return services.cases.recordStep(actor, caseId(input.caseId), input.kind, input, input.idempotencyKey);
  }

  @Mutation(() => PetitionCase, { description: '补记某环节意见送达信访人的日期' })
  recordDelivery(
    @Arg('caseId', () => ID) id: string,
    @Arg('kind', () => StepKind) kind: StepKind,
    @Arg('deliveredAt', () => LocalDate) deliveredAt: string,
    @IdempotencyKeyArg() idempotencyKey: string | null,
    @Ctx() { actor, services }: Context,
  ) {
    return services.cases.recordDelivery(actor, caseId(id), kind, deliveredAt, idempotencyKey);
  }

  @Mutation(() => PetitionCase, { description: '记录信访人申请复查（kind=REVIEW）或复核（kind=RE_REVIEW）' })
  recordRequest(
    @Arg('caseId', () => ID) id: string,
    @Arg('kind', () => StepKind) kind: StepKind,
    @Arg('requestedAt', () => LocalDate) requestedAt: string,
    @IdempotencyKeyArg() idempotencyKey: string | null,
    @Ctx() { actor, services }: Context,
  ) {
    return services.cases.recordRequest(actor, caseId(id), kind, requestedAt, idempotencyKey);
  }

  @Mutation(() => PetitionCase, { description: '记录复核后信访人以同一事实和理由再次提出' })
  recordRepeatSubmission(
    @Arg('caseId', () => ID) id: string,
    @Arg('submittedAt', () => LocalDate) submittedAt: string,
    @Arg('note') note: string,
    @IdempotencyKeyArg() idempotencyKey: string | null,
    @Ctx() { actor, services }: Context,
  ) {
    return services.cases.recordRepeatSubmission(actor, caseId(id), submittedAt, note, idempotencyKey);
  }

  @Mutation(() => PetitionCase, { description: '记录正当理由' })
  recordGoodReason(
    @Arg('caseId', () => ID) id: string,
    @Arg('reason') reason: string,
    @Arg('recordedAt', () => LocalDate) recordedAt: string,
    @IdempotencyKeyArg() idempotencyKey: string | null,
    @Ctx() { actor, services }: Context,
  ) {
    return services.cases.recordGoodReason(actor, caseId(id), reason, recordedAt, idempotencyKey);
  }

  @Mutation(() => PetitionCase, { description: '延长办理期限（一次）' })
  extendHandling(
    @Arg('caseId', () => ID) id: string,
    @IdempotencyKeyArg() idempotencyKey: string | null,
    @Ctx() { actor, services }: Context,
  ) {
    return services.cases.extendHandling(actor, caseId(id), idempotencyKey);
  }

  // ---- fields ----

  @FieldResolver(() => PetitionerView, { description: '信访人（个人信息按角色和单位脱敏）' })
  petitioner(@Root() c: PetitionCase, @Ctx() ctx: Context): PetitionerView | Promise<PetitionerView> {
    // without a promise when the page has primed its units (one per row adds up on a page)
    const known = knownCaseVisibility(ctx, c);
    if (known) return petitionerView(ctx, c, known);
    return caseVisibility(ctx, c).then((v) => petitionerView(ctx, c, v));
  }

  @FieldResolver(() => Unit, { description: '承办单位' })
  handlingUnit(@Root() c: PetitionCase, @Ctx() { loaders }: Context) {
    return unitOf(loaders, c.handlingUnit.id);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: `${PERSONAL_DATA_MARK}正当理由（经办人员书写；无权查看者为空）`,
  })
  async goodReason(@Root() c: PetitionCase, @Ctx() ctx: Context) {
    return clearText(ctx, c, 'case.goodReason', c.goodReason);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: `${PERSONAL_DATA_MARK}再次提出的情况说明（经办人员书写；无权查看者为空）`,
  })
  async repeatSubmissionNote(@Root() c: PetitionCase, @Ctx() ctx: Context) {
    return clearText(ctx, c, 'case.repeatSubmissionNote', c.repeatSubmissionNote);
  }

  @Cost({ assumedSize: 4 }) // one step per kind
  @FieldResolver(() => [CaseStep], { description: '受理、办理、复查、复核各环节' })
  steps(@Root() c: PetitionCase, @Ctx() { loaders }: Context) {
    return loaders.steps.load(c.id);
  }

  @FieldResolver(() => CaseProgress, { description: '当前环节、期限及是否超期' })
  async progress(@Root() c: PetitionCase, @Ctx() { loaders, services }: Context) {
    return services.cases.progress(await services.cases.facts(c, await loaders.steps.load(c.id)));
  }

  @FieldResolver(() => [TerminationApplication], { description: '终结申请（含退回的；最近的 last 份）' })
  async terminationApplications(
    @Root() c: PetitionCase,
    @Ctx() { loaders }: Context,
    @Arg('last', LastInt, LAST_ARG) last: number,
  ) {
    return latest(await loaders.applications.load(c.id), last);
  }

  @FieldResolver(() => TerminationApplication, {
    nullable: true,
    description: '已批准的终结申请（终结决定和告知记录）',
  })
  async termination(@Root() c: PetitionCase, @Ctx() { loaders }: Context) {
    return (await loaders.applications.load(c.id)).find((a) => a.decisionNumber) ?? null;
  }
}
