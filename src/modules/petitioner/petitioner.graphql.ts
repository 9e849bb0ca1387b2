import { Field, ObjectType } from 'type-graphql';
import type { GraphQLResolveInfo } from 'graphql';
import type { Context } from '../../graphql/context';
import type { PetitionCase } from '../case/case.entity';
import { maskAddress, maskIdNumber, maskName, maskPhone } from './masking';
import { PERSONAL_DATA_MARK, PERSONAL_FIELDS, type PersonalField, type Visibility } from './personal-data';

/**
 * The petitioner as a reader sees it. Every personal field is nullable: a reader who may not see
 * it in clear gets the masked value, never an error that breaks the query.
 */
@ObjectType('Petitioner', { description: '信访人（个人信息按角色和单位脱敏）' })
export class PetitionerView {
  @Field(() => Boolean, { description: '个人信息是否为明文（false 表示已脱敏）' })
  clear!: boolean;

  @Field(() => String, { nullable: true, description: `${PERSONAL_DATA_MARK}姓名` })
  name!: string | null;

  @Field(() => String, { nullable: true, description: `${PERSONAL_DATA_MARK}居民身份证号码` })
  idNumber!: string | null;

  @Field(() => String, { nullable: true, description: `${PERSONAL_DATA_MARK}联系电话` })
  phone!: string | null;

  @Field(() => String, { nullable: true, description: `${PERSONAL_DATA_MARK}住址` })
  address!: string | null;
}

/** The personal fields a query actually selected on a Petitioner, so the audit names what was read. */
function selectedPersonalFields(info: GraphQLResolveInfo): PersonalField[] {
  const names = new Set<string>();
  for (const node of info.fieldNodes) {
    for (const sel of node.selectionSet?.selections ?? [])
      if (sel.kind === 'Field') names.add(sel.name.value);
  }
  return PERSONAL_FIELDS.filter((f) => names.has(f));
}

/**
 * The single path from a case's stored petitioner record to what a reader receives: opened, then masked unless
 * `visibility` is CLEAR; a clear read is queued for the audit log with the fields it showed.
 */
export function petitionerView(
  ctx: Context,
  c: PetitionCase,
  visibility: Visibility,
  info: GraphQLResolveInfo,
): PetitionerView {
  const fields = selectedPersonalFields(info);
  if (fields.length === 0)
    return { clear: visibility === 'CLEAR', name: null, idNumber: null, phone: null, address: null };
  const r = c.petitionerRecord;
  // Masked forms sealed with the record: one short value opened, no masking run.
  const masked = visibility === 'CLEAR' ? null : ctx.services.petitioners.openMasked(r);
  if (masked) return { clear: false, ...masked };
  const open = ctx.services.petitioners.open(r);
  if (visibility === 'CLEAR') {
    ctx.audit.clearRead({ caseId: c.id, petitionerId: c.petitioner.id, fields });
    return { clear: true, ...open };
  }
  return {
    clear: false,
    name: maskName(open.name),
    idNumber: maskIdNumber(open.idNumber),
    phone: maskPhone(open.phone),
    address: maskAddress(open.address),
  };
}
