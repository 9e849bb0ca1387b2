import { TerminationResolver } from './termination.resolver';

/** The termination module's resolvers, one file per root concept (registered in graphql/schema.ts). */
export const terminationResolvers = [TerminationResolver] as const;
