import { CaseFieldsResolver } from './case-fields.resolver';
import { CaseResolver } from './case.resolver';
import { CaseProcedureResolver } from './procedure.resolver';

/** The case module's resolvers, one file per root concept (registered in graphql/schema.ts). */
export const caseResolvers = [CaseResolver, CaseProcedureResolver, CaseFieldsResolver] as const;
