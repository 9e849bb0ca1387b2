/*
 * The follow-up module's argument blocks. Its two lists page with `first` and `after` as the
 * shared PageArgs (shared/graphql-args.ts) do, but without descriptions in the schema, so they
 * take the shared BarePageArgs instead (the schema stays as it is; adopting PageArgs would add
 * the two descriptions, a deliberate change for another step).
 */
export { BarePageArgs as FollowUpPageArgs } from '../../../shared/graphql-args';
