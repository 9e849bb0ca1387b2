import 'reflect-metadata';
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { applyMiddleware } from 'graphql-middleware';
import { buildSchemaSync } from 'type-graphql';
import { UnitResolver } from '../modules/org/unit.resolver';
import { CaseResolver } from '../modules/case/case.resolver';
import { TerminationResolver } from '../modules/termination/termination.resolver';
import { SharingResolver, TerminatedCaseConnectionResolver } from '../modules/sharing/sharing.resolver';
import { AuditResolver } from '../modules/audit/audit.resolver';
import { followUpResolvers } from '../modules/followup/followup.resolver';
import { supervisionResolvers } from '../modules/supervision/supervision.resolver';
import { permissions } from './permissions';
import { inputRules } from './input-rules';

export const resolvers = [
  UnitResolver,
  CaseResolver,
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
 * input rule (graphql/input-rules.ts) around every field that takes arguments.
 */
export function buildHubSchema(): GraphQLSchema {
  return applyMiddleware(baseSchema(), permissions, inputRules(baseSchema()));
}

export function printHubSchema(): string {
  return printSchema(lexicographicSortSchema(baseSchema())) + '\n';
}
