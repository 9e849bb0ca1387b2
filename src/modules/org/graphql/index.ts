import { MeResolver } from './me.resolver';
import { UnitResolver } from './unit.resolver';

/** The org module's resolvers, one file per root concept (registered in graphql/schema.ts). */
export const orgResolvers = [MeResolver, UnitResolver] as const;
