import 'reflect-metadata';
import { isObjectType, lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { allow } from 'graphql-shield';
import { applyMiddleware } from 'graphql-middleware';
import { buildSchemaSync } from 'type-graphql';
import { orgResolvers } from '../modules/org/graphql';
import { caseResolvers } from '../modules/case/graphql';
import { terminationResolvers } from '../modules/termination/graphql';
import { SharingResolver, TerminatedCaseConnectionResolver } from '../modules/sharing/sharing.resolver';
import { AuditResolver } from '../modules/audit/audit.resolver';
import { followUpResolvers } from '../modules/followup/graphql';
import { supervisionResolvers } from '../modules/supervision/graphql';
import { permissions, ruleMap } from './permissions';
import { freeTextMiddleware } from './free-text';
import { inputRules } from './input-rules';

export const resolvers = [
  ...orgResolvers,
  ...caseResolvers,
  ...terminationResolvers,
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
 * The served schema: permissions (graphql-shield) wrapped around every field whose rule can refuse,
 * and inside them the input rule (input-rules.ts) around every field that takes arguments and the
 * redaction of personal data in free text (free-text.ts).
 * A field whose rule is `allow` gets back its resolver without shield (input rule and redaction
 * kept): shield would only wrap it in a promise (measured: on a 20-row page most of shield's
 * cost), and `allow` can never refuse. Everything not listed stays behind the fallback `deny`.
 */
export function buildHubSchema(): GraphQLSchema {
  const base = baseSchema();
  const guarded = applyMiddleware(base, inputRules(base), freeTextMiddleware);
  const served = applyMiddleware(guarded, permissions);
  const rules = ruleMap as Record<string, unknown>;
  for (const type of Object.values(served.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    const inner = guarded.getType(type.name);
    if (!isObjectType(inner)) continue;
    const typeRule = rules[type.name];
    const perField = typeRule && typeof typeRule === 'object' && !('resolve' in typeRule) ? typeRule : null;
    for (const [name, field] of Object.entries(type.getFields())) {
      const rule = perField
        ? ((perField as Record<string, unknown>)[name] ?? (perField as Record<string, unknown>)['*'])
        : typeRule;
      if (rule === allow) field.resolve = inner.getFields()[name]?.resolve;
    }
  }
  return served;
}

export function printHubSchema(): string {
  return printSchema(lexicographicSortSchema(baseSchema())) + '\n';
}
