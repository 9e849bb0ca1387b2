import { ArgsType, Field } from 'type-graphql';
import { BarePageArgs } from '../../../shared/graphql-args';
import { CaseFilterInput } from './inputs';

/*
 * The case module's argument blocks. `cases` pages with `first` and `after` as the shared
 * PageArgs do, but without their descriptions in the schema, so it takes BarePageArgs
 * (shared/graphql-args.ts) with its filter added.
 */

/** cases: the page (first, after), then the filter. */
@ArgsType()
export class CaseListArgs extends BarePageArgs {
  @Field(() => CaseFilterInput, { nullable: true })
  filter?: CaseFilterInput;
}
