import { Ctx, Field, FieldResolver, ObjectType, Resolver, Root } from 'type-graphql';
import type { Context } from '../../graphql/context';
import type { PetitionCase } from '../case/case.entity';
import { maskAddress, maskIdNumber, maskName, maskPhone } from './masking';
import { PERSONAL_DATA_MARK, type PersonalField } from './personal-data';
import { type Visibility } from '../../access/visibility';
import type { PetitionerClear } from './petitioner.service';
import type { MaskedPetitioner } from './sealing';

/** How a view's personal fields are produced: opened once, on the first field a query asks for. */
interface PetitionerSource {
  caseId: number;
  petitionerId: number;
  open: () => PetitionerClear;
  /** The masked forms sealed with the record (one short value opened, no masking run); null for older records. */
  masked: () => MaskedPetitioner | null;
}

/**
 * The petitioner as a reader sees it. Every personal field is nullable: a reader who may not see
 * it in clear gets the masked value, never an error that breaks the query.
 */
@ObjectType('Petitioner', { description: '信访人（个人信息按角色和单位脱敏）' })
export class PetitionerView {
  @Field(() => Boolean, { description: '个人信息是否为明文（false 表示已脱敏）' })
  clear!: boolean;

  /** Not in the schema: read by the field resolvers below. */
  source!: PetitionerSource;
}

const MASKS: Record<PersonalField, (v: string | null) => string | null> = {
  name: maskName,
  idNumber: maskIdNumber,
  phone: maskPhone,
  address: maskAddress,
};

/**
 * Each personal field is its own resolver, so what is audited is exactly what the query returned:
 * a field reached through a named or inline fragment is resolved (and audited) like a direct one,
 * a field left out by `@skip` / `@include` is neither resolved nor audited.
 */
function personalField(ctx: Context, p: PetitionerView, field: PersonalField): string | null {
  if (!p.clear) {
    const masked = p.source.masked();
    return masked ? masked[field] : MASKS[field](p.source.open()[field]);
  }
  const value = p.source.open()[field];
  ctx.audit.clearRead({ caseId: p.source.caseId, petitionerId: p.source.petitionerId, fields: [field] });
  return value;
}

@Resolver(() => PetitionerView)
export class PetitionerResolver {
  @FieldResolver(() => String, { nullable: true, description: `${PERSONAL_DATA_MARK}姓名` })
  name(@Root() p: PetitionerView, @Ctx() ctx: Context) {
    return personalField(ctx, p, 'name');
  }

  @FieldResolver(() => String, { nullable: true, description: `${PERSONAL_DATA_MARK}居民身份证号码` })
  idNumber(@Root() p: PetitionerView, @Ctx() ctx: Context) {
    return personalField(ctx, p, 'idNumber');
  }

  @FieldResolver(() => String, { nullable: true, description: `${PERSONAL_DATA_MARK}联系电话` })
  phone(@Root() p: PetitionerView, @Ctx() ctx: Context) {
    return personalField(ctx, p, 'phone');
  }

  @FieldResolver(() => String, { nullable: true, description: `${PERSONAL_DATA_MARK}住址` })
  address(@Root() p: PetitionerView, @Ctx() ctx: Context) {
    return personalField(ctx, p, 'address');
  }
}

/**
 * The single path from a case's stored petitioner record to what a reader receives: opened (once,
 * when a personal field is first asked for), then masked unless `visibility` is CLEAR; each clear
 * field read is queued for the audit log by its resolver.
 */
export function petitionerView(ctx: Context, c: PetitionCase, visibility: Visibility): PetitionerView {
  let opened: PetitionerClear | undefined;
  let masked: MaskedPetitioner | null | undefined;
  return {
    clear: visibility === 'CLEAR',
    source: {
      caseId: c.id,
      petitionerId: c.petitioner.id,
      open: () => (opened ??= ctx.services.petitioners.open(c.petitionerRecord)),
      masked: () =>
        masked === undefined ? (masked = ctx.services.petitioners.openMasked(c.petitionerRecord)) : masked,
    },
  };
}
