import { ArgsType, Field, Int } from 'type-graphql';

/*
 * The follow-up module's argument blocks. Its two lists page with `first` and `after` as the
 * shared PageArgs (shared/graphql-args.ts) do, but without descriptions in the schema, so they
 * take this block instead (the schema stays as it is; adopting PageArgs would add the two
 * descriptions, a deliberate change for another step).
 */

/** A cursor page: `first` (default 20) rows after `after`, the previous page's endCursor. */
@ArgsType()
export class FollowUpPageArgs {
  @Field(() => Int, { defaultValue: 20 })
  first!: number;

  @Field(() => String, { nullable: true })
  after?: string;
}
