import { ArgsType, Field, Int } from 'type-graphql';
import { LIST_LAST_DEFAULT, LIST_LAST_MAX } from '../../../graphql/list-bound';

/*
 * The termination module's argument blocks. It has no object types beyond the entity
 * (TerminationApplication, termination.entity.ts) and no input types: its mutations take
 * plain arguments, so there is no views.ts or inputs.ts here.
 */

/** pendingTerminationApplications: the oldest `first` of the agency's work queue. */
@ArgsType()
export class InboxArgs {
  @Field(() => Int, {
    defaultValue: LIST_LAST_DEFAULT,
    description: `最早的多少份（默认 ${LIST_LAST_DEFAULT}，最多 ${LIST_LAST_MAX}）`,
  })
  first!: number;
}
