import { Arg, Field } from 'type-graphql';
import { IDEMPOTENCY_KEY_DESCRIPTION } from '../modules/followup/idempotency';

/**
 * The optional `idempotencyKey` of every creating mutation, as an argument or an input field,
 * one declaration for all (semantics in modules/followup/idempotency.ts).
 */
export const IdempotencyKeyArg = () =>
  Arg('idempotencyKey', () => String, { nullable: true, description: IDEMPOTENCY_KEY_DESCRIPTION });

export const IdempotencyKeyField = () =>
  Field(() => String, { nullable: true, description: IDEMPOTENCY_KEY_DESCRIPTION });
