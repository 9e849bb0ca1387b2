import { Field, ID, InputType } from 'type-graphql';
import { IdempotencyKeyField } from '../../../graphql/idempotency-key';
import { LocalDate } from '../../../graphql/scalars/local-date';
import { CaseStatus, Category, StepKind } from '../case.enums';

/* The case module's GraphQL input types: a registration, a step's opinion, and the list's filter. */

@InputType({ description: '信访人信息（个人信息，加密存储）' })
export class PetitionerInput {
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
export class RegisterCaseInput extends MatterInput {
  @Field(() => PetitionerInput)
  petitioner!: PetitionerInput;
  @IdempotencyKeyField()
  idempotencyKey?: string | null;
}

@InputType({ description: '记录办理、复查或复核意见' })
export class RecordStepInput {
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
export class CaseFilterInput {
  @Field(() => CaseStatus, { nullable: true })
  status?: CaseStatus | null;
  @Field(() => Category, { nullable: true })
  category?: Category | null;
  @Field(() => String, { nullable: true, description: '单位代码：该单位及其下级单位的事项' })
  unitCode?: string | null;
}
