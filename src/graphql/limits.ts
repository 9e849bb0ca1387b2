import { createHash } from 'node:crypto';
import {
  GraphQLError,
  Kind,
  getNamedType,
  getVariableValues,
  isListType,
  isObjectType,
  isNonNullType,
  type ASTVisitor,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import type { ApolloServerPlugin } from '@apollo/server';
import { getComplexity, type ComplexityEstimator } from 'graphql-query-complexity';
import { QueryTooComplexError } from '../errors';
import { costOf, type FieldCost } from './cost';
import { checkVariableBounds } from './input-rules';
import { toGraphQLError } from './format-error';

/**
 * Query limits, checked before anything runs, so that no query can take the hub down:
 *
 * - **Depth** (a validation rule, GRAPHQL_MAX_DEPTH): the number of fields on the longest path,
 *   `{ me { unit { name } } }` is 3. Depends on the document only, so Apollo caches it with the
 *   rest of validation.
 * - **Cost** (GRAPHQL_MAX_COST), computed with `graphql-query-complexity` once the operation and
 *   its variables are known (`first: $first` counts as the value sent), so it runs in Apollo's
 *   `didResolveOperation` hook, still before execution: every field costs 1 (more for root
 *   fields that aggregate or scan; the entire budget for one that walks the whole audit log), and
 *   everything selected under a list is multiplied by the number of items it can return: a page
 *   by its `first` (a tail by its `last`; capped by the page cap the service enforces), any other
 *   list by an assumed size (or DEFAULT_LIST_SIZE). Each field declares these where it is defined,
 *   with `@Cost` (graphql/cost.ts).
 * - **Introspection** (`__schema`, `__type`) costs nothing and is not counted in the depth, so
 *   GraphQL Playground's schema query always passes; GraphQL's own MaxIntrospectionDepthRule
 *   (graphql 16.9+) refuses `types { fields { type { fields { … } } } }` explosions instead.
 * - **Selections**: Apollo's `maxRecursiveSelections` refuses documents whose fragments expand to
 *   millions of selections, and the cost refuses more than MAX_QUERY_NODES evaluated selections.
 * - **Input sizes** (graphql/input-rules.ts): the number of variables and every list in them are
 *   checked first, on the raw JSON, before GraphQL or the cost library coerces anything
 *   (BAD_USER_INPUT).
 *
 * Refusals are QUERY_TOO_COMPLEX with a Chinese message that names the limit and the value found.
 *
 * Adding a list field: a field with a `first` (or `last`) argument is paged (its `…Connection`
 * type's `nodes` and `edges` then count once); give it `@Cost({ pageCap })` with its service's
 * cap (PAGE_MAX, src/shared/paging.ts). An unpaged list whose length is known to be small or
 * large takes `@Cost({ assumedSize })`. Lists under a record that grow with use take `last`
 * instead (graphql/list-bound.ts) and are costed by it.
 */

/** Assumed length of an unpaged list that declares no `assumedSize`. */
export const DEFAULT_LIST_SIZE = 20;

/** The cost a field declares with `@Cost` (graphql/cost.ts), or none. */
export const fieldCost = (field: { extensions?: unknown }): FieldCost => costOf(field) ?? {};

/** Every field of the schema that declares a cost, by `Type.field`. */
export function declaredCosts(schema: GraphQLSchema): Record<string, FieldCost> {
  const out: Record<string, FieldCost> = {};
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__') || !isObjectType(type)) continue;
    for (const field of Object.values(type.getFields())) {
      const cost = fieldCost(field);
      if (Object.keys(cost).length) out[`${type.name}.${field.name}`] = cost;
    }
  }
  return out;
}

/** The fields whose own cost is declared (more than 1), by `Type.field`. */
export const ownCosts = (schema: GraphQLSchema): Record<string, number> =>
  Object.fromEntries(
    Object.entries(declaredCosts(schema)).flatMap(([key, c]) => (c.own === undefined ? [] : [[key, c.own]])),
  );

function isList(type: GraphQLOutputType): boolean {
  return isListType(isNonNullType(type) ? type.ofType : type);
}

const isIntrospectionField = (name: string) => name === '__schema' || name === '__type';

/**
 * Depth limit as a validation rule. Fragments are measured once each (memoised), so a document
 * that spreads the same fragment many times costs no more to check than to read.
 */
export function depthLimitRule(maxDepth: number): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const d of context.getDocument().definitions)
      if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);

    const memo = new Map<string, number>();
    const visiting = new Set<string>();

    const selectionDepth = (set: SelectionSetNode): number => {
      let max = 0;
      for (const s of set.selections) {
        let d: number;
        if (s.kind === Kind.FIELD) {
          // GraphQL's own MaxIntrospectionDepthRule bounds introspection instead.
          if (isIntrospectionField(s.name.value)) continue;
          d = 1 + (s.selectionSet ? selectionDepth(s.selectionSet) : 0);
        } else if (s.kind === Kind.INLINE_FRAGMENT) {
          d = selectionDepth(s.selectionSet);
        } else {
          d = fragmentDepth(s.name.value);
        }
        if (d > max) max = d;
      }
      return max;
    };
    const fragmentDepth = (name: string): number => {
      const known = memo.get(name);
      if (known !== undefined) return known;
      const f = fragments.get(name);
      // Unknown or cyclic fragments are reported by GraphQL's own rules.
      if (!f || visiting.has(name)) return 0;
      visiting.add(name);
      const d = selectionDepth(f.selectionSet);
      visiting.delete(name);
      memo.set(name, d);
      return d;
    };

    return {
      OperationDefinition(op: OperationDefinitionNode) {
        const depth = selectionDepth(op.selectionSet);
        if (depth > maxDepth) {
          context.reportError(
            toGraphQLError(
              new QueryTooComplexError(
                `查询嵌套深度为 ${depth} 层，超过上限 ${maxDepth} 层（GRAPHQL_MAX_DEPTH）：请减少嵌套层级后重试`,
                { limit: 'depth', max: maxDepth, actual: depth },
              ),
            ),
          );
        }
        return false;
      },
    };
  };
}

/** Items a field can return: 1 for a single object, `first` for a page, else the assumed size. */
export function listMultiplier(
  typeName: string,
  field: Pick<GraphQLField<unknown, unknown>, 'name' | 'type' | 'args' | 'extensions'>,
  args: Record<string, unknown>,
): number {
  // A connection's `nodes` and `edges` are the page itself: its field already counted `first`.
  if (typeName.endsWith('Connection') && (field.name === 'nodes' || field.name === 'edges')) return 1;
  const cost = fieldCost(field);
  for (const size of ['first', 'last'] as const) {
    if (!field.args.some((a) => a.name === size)) continue;
    const n = typeof args[size] === 'number' && Number.isFinite(args[size]) ? Math.max(0, args[size]) : 0;
    return Math.min(n, cost.pageCap ?? n);
  }
  if (isList(field.type)) return cost.assumedSize ?? DEFAULT_LIST_SIZE;
  return 1;
}

/** The cost model (see the top of this file), for a budget of `maxCost`. */
export const hubEstimator =
  (maxCost: number): ComplexityEstimator =>
  ({ type, field, args, childComplexity }) => {
    if (field.name.startsWith('__') || type.name.startsWith('__')) return 0;
    const named = getNamedType(field.type);
    if (named.name.startsWith('__')) return 0;
    const cost = fieldCost(field);
    if (cost.wholeBudget) return maxCost;
    return (cost.own ?? 1) + listMultiplier(type.name, field, args) * childComplexity;
  };

/** Documents bigger than this many evaluated selections are refused outright. */
export const MAX_QUERY_NODES = 10_000;

/** The cost of one operation with its variables, per the hub's cost model and a budget of `maxCost`. */
export function queryCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> | undefined,
  operationName?: string,
  maxCost = 20_000,
): number {
  return getComplexity({
    schema,
    query: document,
    variables,
    operationName,
    estimators: [hubEstimator(maxCost)],
    maxQueryNodes: MAX_QUERY_NODES,
  });
}

/** Variables longer than this (as JSON) are costed every time, not cached. */
const CACHED_VARIABLES_MAX = 512;
/** Distinct operation + variables per document whose cost is kept. */
const CACHED_COSTS_PER_DOCUMENT = 64;
/** Costs by parsed document (Apollo keeps one parsed document per query text), then by operation and variables. */
const costCache = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, Map<string, number>>>();

/**
 * `queryCost`, remembered per document and (small) variables: the cost depends on nothing else,
 * and the same page is asked for again and again. Bounded: per document at most
 * CACHED_COSTS_PER_DOCUMENT entries (then it starts over), only for variables of at most
 * CACHED_VARIABLES_MAX characters of JSON; documents are held weakly, as Apollo's document cache
 * holds them; keyed by a SHA-256 of operation and variables. Refusals (thrown) are not cached.
 */
export function cachedCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> | undefined,
  operationName: string | undefined,
  maxCost: number,
): number {
  const vars = variables && Object.keys(variables).length ? JSON.stringify(variables) : '';
  if (vars.length > CACHED_VARIABLES_MAX)
    return queryCost(schema, document, variables, operationName, maxCost);
  let bySchema = costCache.get(schema);
  if (!bySchema) costCache.set(schema, (bySchema = new WeakMap()));
  let byDoc = bySchema.get(document);
  if (!byDoc) bySchema.set(document, (byDoc = new Map()));
  // Hashed: variables may carry personal data (a checkDuplicate's ID number), never kept in clear.
  const key = createHash('sha256')
    .update(`${maxCost}\u0000${operationName ?? ''}\u0000${vars}`)
    .digest('base64');
  const known = byDoc.get(key);
  if (known !== undefined) return known;
  const cost = queryCost(schema, document, variables, operationName, maxCost);
  if (byDoc.size >= CACHED_COSTS_PER_DOCUMENT) byDoc.clear();
  byDoc.set(key, cost);
  return cost;
}

/**
 * Refuses, before execution, an operation whose cost exceeds `maxCost`; then hands the cost to
 * `spend` (the per-user request budget, graphql/request-budget.ts), which may refuse it too.
 */
export function costLimitPlugin<T extends object>(
  maxCost: number,
  spend?: (cost: number, context: T) => Promise<void>,
): ApolloServerPlugin<T> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request, contextValue }) {
          // Sizes first, before anything walks the variables item by item (graphql/input-rules.ts).
          if (operation) checkVariableBounds(schema, operation, request.variables);
          // Variables that cannot be coerced: execution refuses them (BAD_USER_INPUT) before any
          // resolver runs, so there is nothing to cost. Coerced here with GraphQL's own error cap
          // (the cost library coerces without one: one error per bad item).
          if (
            operation?.variableDefinitions?.length &&
            'errors' in
              getVariableValues(schema, operation.variableDefinitions, request.variables ?? {}, {
                maxErrors: 50,
              })
          )
            return;
          let cost: number;
          try {
            cost = cachedCost(schema, document, request.variables, operation?.name?.value, maxCost);
          } catch (e) {
            if (e instanceof GraphQLError && /maximum allowed number of nodes/.test(e.message)) {
              throw new QueryTooComplexError(
                `查询选择集超过 ${MAX_QUERY_NODES} 个节点（含展开的片段）：请精简查询后重试`,
                { limit: 'nodes', max: MAX_QUERY_NODES },
              );
            }
            // Variables that cannot be coerced: execution refuses them (BAD_USER_INPUT) before
            // any resolver runs, so there is nothing to protect here.
            return;
          }
          if (cost > maxCost) {
            const rootFields = schema.getQueryType()?.getFields() ?? {};
            const whole = operation?.selectionSet.selections.some(
              (s) =>
                s.kind === Kind.FIELD &&
                !!rootFields[s.name.value] &&
                !!fieldCost(rootFields[s.name.value]).wholeBudget,
            );
            throw new QueryTooComplexError(
              `查询代价估算为 ${cost}，超过上限 ${maxCost}（GRAPHQL_MAX_COST）：每个字段计 1（统计、检查类查询更多），` +
                `列表下的字段按每页条数 first/last（或预估条数）倍乘；请减小 first、少选字段或减少嵌套后重试` +
                (whole ? '。审计链校验（verifyAuditChain）遍历整个审计日志，每个请求只能单独调用一次' : ''),
              { limit: 'cost', max: maxCost, actual: cost },
            );
          }
          await spend?.(cost, contextValue);
        },
      };
    },
  };
}
