import { Field, ObjectType } from 'type-graphql';
import type { Context } from '../../graphql/context';
import type { PetitionCase } from '../case/case.entity';
import { maskAddress, maskIdNumber, maskName, maskPhone } from './masking';
import { PERSONAL_DATA_MARK, type PersonalField } from './personal-data';
import { type Visibility } from '../../access/visibility';
import type { PetitionerClear } from './petitioner.service';
import type { MaskedPetitioner } from './sealing';

/** How a view's personal fields are produced: opened once, on the first field a query asks for. */
interface PetitionerSource {
  ctx: Context;
  caseId: number;
  petitionerId: number;
  open: () => PetitionerClear;
  /** The masked forms sealed with the record (one short value opened, no masking run); null for older records. */
  masked: () => MaskedPetitioner | null;
}

const MASKS: Record<PersonalField, (v: string | null) => string | null> = {
  name: maskName,
  idNumber: maskIdNumber,
  phone: maskPhone,
  address: maskAddress,
};

/**
 * Each personal field is its own accessor, read by GraphQL only when the query selects it, so what
 * is audited is exactly what the query returned: a field reached through a named or inline
 * fragment is resolved (and audited) like a direct one, a field left out by `@skip` / `@include`
 * is neither resolved nor audited. (Accessors on the prototype: no serialisation of the view, no
 * `Object.keys`, reaches them.)
 */
function personalField(p: PetitionerView, field: PersonalField): string | null {
  const { source } = p;
  if (!p.clear) {
    const masked = source.masked();
    return masked ? masked[field] : MASKS[field](source.open()[field]);
  }
  const value = source.open()[field];
  source.ctx.audit.clearRead({ caseId: source.caseId, petitionerId: source.petitionerId, fields: [field] });
  return value;
}

/**
 * The petitioner as a reader sees it. Every personal field is nullable: a reader who may not see
 * it in clear gets the masked value, never an error that breaks the query. The fields are
 * accessors of the view (not resolvers of a resolver class): on a page they are read for every
 * row, and a plain property read costs GraphQL nothing beyond the value.
 */
@ObjectType('Petitioner', { description: '信访人（个人信息按角色和单位脱敏）' })
export class PetitionerView {
  @Field(() => Boolean, { description: '个人信息是否为明文（false 表示已脱敏）' })
  clear!: boolean;

  /** Not in the schema: read by the accessors below. */
  source!: PetitionerSource;

  @Field(() => String, { nullable: true, description: `${PERSONAL_DATA_MARK}姓名` })
  get name(): string | null {
    return personalField(this, 'name');
  }

  @Field(() => String, { nullable: true, description: `${PERSONAL_DATA_MARK}居民身份证号码` })
  get idNumber(): string | null {
    return personalField(this, 'idNumber');
  }

  @Field(() => String, { nullable: true, description: `${PERSONAL_DATA_MARK}联系电话` })
  get phone(): string | null {
    return personalField(this, 'phone');
  }

  @Field(() => String, { nullable: true, description: `${PERSONAL_DATA_MARK}住址` })
  get address(): string | null {
    return personalField(this, 'address');
  }
}

/**
 * The single path from a case's stored petitioner record to what a reader receives: opened (once,
 * when a personal field is first asked for), then masked unless `visibility` is CLEAR; each clear
 * field read is queued for the audit log by its accessor.
 */
export function petitionerView(ctx: Context, c: PetitionCase, visibility: Visibility): PetitionerView {
  let opened: PetitionerClear | undefined;
  let masked: MaskedPetitioner | null | undefined;
  const view = Object.create(PetitionerView.prototype) as PetitionerView;
  view.clear = visibility === 'CLEAR';
  view.source = {
    ctx,
    caseId: c.id,
    petitionerId: c.petitioner.id,
    open: () => (opened ??= ctx.services.petitioners.open(c.petitionerRecord)),
    masked: () =>
      masked === undefined ? (masked = ctx.services.petitioners.openMasked(c.petitionerRecord)) : masked,
  };
  return view;
}
