import 'reflect-metadata';
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { applyMiddleware } from 'graphql-middleware';
import { buildSchemaSync } from 'type-graphql';
import { UnitResolver } from '../modules/org/unit.resolver';
import { CaseResolver } from '../modules/case/case.resolver';
import { PetitionerResolver } from '../modules/petitioner/petitioner.graphql';
import { TerminationResolver } from '../modules/termination/termination.resolver';
import { SharingResolver, TerminatedCaseConnectionResolver } from '../modules/sharing/sharing.resolver';
import { AuditResolver } from '../modules/audit/audit.resolver';
import { followUpResolvers } from '../modules/followup/followup.resolver';
import { supervisionResolvers } from '../modules/supervision/supervision.resolver';
import { permissions } from './permissions';
import { freeTextMiddleware } from './free-text';
import { inputRules } from './input-rules';

export const resolvers = [
  UnitResolver,
  CaseResolver,
  PetitionerResolver,
  TerminationResolver,
  SharingResolver,
  TerminatedCaseConnectionResolver,
  AuditResolver,
  ...followUpResolvers,
  ...supervisionResolvers,
] as const;

let base: GraphQLSchema | undefined;

/** The schema as declared in code, without middleware: what schema.graphql records. */
export function baseSchema(): GraphQLSchema {
  base ??= buildSchemaSync({
    resolvers: [...resolvers],
    validate: { forbidUnknownValues: false, stopAtFirstError: false },
  });
  return base;
}

/**
 * The served schema: permissions (graphql-shield) wrapped around every field, and inside them the
 * redaction of personal data in free text (free-text.ts) and the input rule (input-rules.ts) around
 * every field that takes arguments.
 */
export function buildHubSchema(): GraphQLSchema {
  const base = baseSchema();
  return applyMiddleware(base, permissions, inputRules(base), freeTextMiddleware);
}

export function printHubSchema(): string {
  return printSchema(lexicographicSortSchema(baseSchema())) + '\n';
}
