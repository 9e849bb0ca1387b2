import { Length, Matches } from 'class-validator';
import { Field, InputType } from 'type-graphql';
import { IdempotencyKeyField } from '../../../graphql/idempotency-key';
import { UnitKind } from '../unit.entity';

/* The org module's GraphQL input types, checked by class-validator where they declare it. */

@InputType({ description: '新建单位' })
export class CreateUnitInput {
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
