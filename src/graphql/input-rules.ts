import {
  GraphQLID,
  getNamedType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  typeFromAST,
  visit,
  type GraphQLArgument,
  type GraphQLInputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import type { IMiddlewareFieldMap, IMiddlewareFunction } from 'graphql-middleware';
import { InputBoundsError, type FieldProblem } from '../errors';
import { LOCAL_DATE_MESSAGE, LocalDate, isLocalDate } from './scalars/local-date';

/**
 * The hub's one rule for what a caller may send, applied at the edge to every argument of every
 * field, nested input fields included, before any service or PostgreSQL sees it:
 *
 * - **text**: no control characters other than newline (LF, CR LF) and tab (NUL included, which
 *   PostgreSQL refuses), at most TEXT_MAX characters (codes and keys less, see textMax);
 * - **IDs**: every entity id is a PostgreSQL `serial`: a decimal 1…2147483647;
 * - **date-times**: between 1900 and 2999 (PostgreSQL has no year 0), like days (shared/dates.ts);
 * - **days** (LocalDate, graphql/scalars/local-date.ts): in variables, every bad one at once,
 *   named by its variable and path (`$i.acceptedAt`), before GraphQL coerces them one by one;
 *   in the document, the scalar names the argument or field;
 * - **lists**: at most listMax items. Checked twice: on the raw variables before GraphQL coerces
 *   them (checkVariableBounds, from the cost plugin: a 50,000-item list is refused without
 *   per-item work) and on the coerced arguments (literal lists in the document).
 *
 * A refusal is BAD_USER_INPUT naming every bad field (`extensions.fields`), never quoting a value.
 * Services keep their own, field-specific checks (a title's length, a day not in the future);
 * the caps here are the outer bound, never tighter than a service's own.
 */

/** Longest text any argument may carry (the services' own caps are at most 5,000). */
export const TEXT_MAX = 20_000;
/** Unit codes, cursors, idempotency keys and the like. */
const SHORT_TEXT_MAX = 200;
/** Items any list argument may carry, unless LIST_MAX names it. */
export const LIST_MAX_DEFAULT = 100;
/** Lists with a tighter bound, by argument or input field name. */
export const LIST_MAX: Record<string, number> = {
  statuses: 10, // a set of enum values
  inspectors: 50,
};
/**
 * Tokens a GraphQL document may have (Apollo's parseOptions.maxTokens): GraphQL Playground's full
 * introspection query has about 300, the largest operation of the hub's clients a few hundred.
 */
export const MAX_DOCUMENT_TOKENS = 20_000;
/** Variables one operation may declare and send. */
export const MAX_VARIABLES = 50;
const ID_MAX = 2_147_483_647;
const YEAR_MIN = 1900;
const YEAR_MAX = 2999;

// C0 controls except tab, LF and CR; DEL; C1 controls.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]|\r(?!\n)/;

export const listMax = (name: string): number => LIST_MAX[name] ?? LIST_MAX_DEFAULT;
const textMax = (name: string): number =>
  /(^code$|Code$|^idempotencyKey$|^after$|^before$|^a$|^b$)/.test(name) ? SHORT_TEXT_MAX : TEXT_MAX;

const MAX_PROBLEMS = 20;

/** Problems of one coerced value against its input type; `name` is its argument or field name. */
function checkValue(
  value: unknown,
  type: GraphQLInputType,
  name: string,
  path: string,
  out: FieldProblem[],
): void {
  if (value === null || value === undefined || out.length >= MAX_PROBLEMS) return;
  if (isNonNullType(type)) return checkValue(value, type.ofType, name, path, out);
  if (isListType(type)) {
    if (!Array.isArray(value)) return checkValue(value, type.ofType, name, path, out);
    const max = listMax(name);
    if (value.length > max) {
      out.push({ field: path, message: `列表最多 ${max} 项（收到 ${value.length} 项）` });
      return;
    }
    value.forEach((item, i) => checkValue(item, type.ofType, name, `${path}[${i}]`, out));
    return;
  }
  if (isInputObjectType(type)) {
    if (typeof value !== 'object') return;
    for (const f of Object.values(type.getFields())) {
      checkValue((value as Record<string, unknown>)[f.name], f.type, f.name, `${path}.${f.name}`, out);
    }
    return;
  }
  if (!isScalarType(type)) return; // enums are checked by GraphQL itself
  if (typeof value === 'string') {
    if (CONTROL.test(value)) {
      out.push({ field: path, message: '不能包含控制字符（如 NUL；换行和制表符除外）' });
    } else if (value.length > textMax(name)) {
      out.push({ field: path, message: `不超过 ${textMax(name)} 个字符（收到 ${value.length} 个）` });
    } else if (type.name === GraphQLID.name && !isEntityId(value)) {
      out.push({ field: path, message: 'ID 无效（应为正整数）' });
    }
    return;
  }
  if (value instanceof Date) {
    const year = value.getUTCFullYear();
    if (Number.isNaN(year) || year < YEAR_MIN || year > YEAR_MAX) {
      out.push({ field: path, message: `时间须在 ${YEAR_MIN}–${YEAR_MAX} 年之间` });
    }
  }
}

function isEntityId(s: string): boolean {
  return /^[1-9][0-9]{0,9}$/.test(s) && Number(s) <= ID_MAX;
}

/** Problems of a field's coerced arguments. */
export function argumentProblems(
  defs: readonly GraphQLArgument[],
  args: Record<string, unknown>,
): FieldProblem[] {
  const out: FieldProblem[] = [];
  for (const a of defs) checkValue(args[a.name], a.type, a.name, a.name, out);
  return out;
}

/**
 * The field middleware (graphql-middleware) that applies the rule to every field that takes
 * arguments, root operations and nested fields alike. It runs inside the permission layer, so a
 * caller who may not call a field hears FORBIDDEN first.
 */
export function inputRules(schema: GraphQLSchema): IMiddlewareFieldMap {
  const map: IMiddlewareFieldMap = {};
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      if (!field.args.length) continue;
      const check: IMiddlewareFunction = (resolve, root, args, ctx, info) => {
        const problems = argumentProblems(field.args, args as Record<string, unknown>);
        if (problems.length) throw new InputBoundsError(problems);
        return resolve(root, args, ctx, info);
      };
      ((map[type.name] ??= {}) as Record<string, IMiddlewareFunction>)[field.name] = check;
    }
  }
  return map;
}

/**
 * Before GraphQL coerces the variables (which costs about half a millisecond per bad list item):
 * the number of variables, and every list in them against its cap, by the raw JSON length.
 * Walks only what the declared types name, and a list's items only once its length passed.
 */
export function checkVariableBounds(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> | undefined,
): void {
  const defs = operation.variableDefinitions ?? [];
  const sent = variables ? Object.keys(variables).length : 0;
  if (defs.length > MAX_VARIABLES || sent > MAX_VARIABLES) {
    throw new InputBoundsError([
      {
        field: 'variables',
        message: `变量最多 ${MAX_VARIABLES} 个（收到 ${Math.max(defs.length, sent)} 个）`,
      },
    ]);
  }
  if (!variables || !defs.length) return;
  // Where each variable is used: the argument or input field it stands for names its list cap.
  const usedAs = new Map<string, string[]>();
  const names: string[] = [];
  visit(operation, {
    Argument: { enter: (n) => void names.push(n.name.value), leave: () => void names.pop() },
    ObjectField: { enter: (n) => void names.push(n.name.value), leave: () => void names.pop() },
    VariableDefinition: () => false,
    Variable(n) {
      const at = names[names.length - 1];
      if (at) usedAs.set(n.name.value, [...(usedAs.get(n.name.value) ?? []), at]);
    },
  });
  const out: FieldProblem[] = [];
  for (const def of defs) {
    const name = def.variable.name.value;
    const type = typeFromAST(schema, def.type as never) as GraphQLInputType | undefined;
    if (!type) continue;
    const uses = usedAs.get(name) ?? [];
    const capName = uses.length ? uses.reduce((a, b) => (listMax(a) <= listMax(b) ? a : b)) : '';
    walkRaw(variables[name], type, capName, `$${name}`, out);
    if (out.length) throw new InputBoundsError(out);
  }
  for (const def of defs) {
    const type = typeFromAST(schema, def.type as never) as GraphQLInputType | undefined;
    if (type) walkDays(variables[def.variable.name.value], type, `$${def.variable.name.value}`, out);
  }
  if (out.length) throw new InputBoundsError(out);
}

/** Every value sent for a LocalDate that is no calendar day (lists are within their caps here). */
function walkDays(value: unknown, type: GraphQLInputType, path: string, out: FieldProblem[]): void {
  if (value === null || value === undefined || out.length >= MAX_PROBLEMS) return;
  if (isNonNullType(type)) return walkDays(value, type.ofType, path, out);
  if (isListType(type)) {
    if (!Array.isArray(value)) return walkDays(value, type.ofType, path, out);
    value.forEach((item, i) => walkDays(item, type.ofType, `${path}[${i}]`, out));
    return;
  }
  if (isInputObjectType(type)) {
    if (typeof value !== 'object' || Array.isArray(value)) return;
    for (const f of Object.values(type.getFields())) {
      walkDays((value as Record<string, unknown>)[f.name], f.type, `${path}.${f.name}`, out);
    }
    return;
  }
  if (type.name === LocalDate.name && !isLocalDate(value))
    out.push({ field: path, message: LOCAL_DATE_MESSAGE });
}

function walkRaw(value: unknown, type: GraphQLInputType, name: string, path: string, out: FieldProblem[]) {
  if (value === null || typeof value !== 'object' || out.length) return;
  if (isNonNullType(type)) return walkRaw(value, type.ofType, name, path, out);
  if (isListType(type)) {
    if (!Array.isArray(value)) return walkRaw(value, type.ofType, name, path, out);
    const max = listMax(name);
    if (value.length > max) {
      out.push({ field: path, message: `列表最多 ${max} 项（收到 ${value.length} 项）` });
      return;
    }
    // Items need a look only when they can hold lists themselves.
    if (isInputObjectType(getNamedType(type.ofType)) || isListType(nonNull(type.ofType)))
      value.forEach((item, i) => walkRaw(item, type.ofType, name, `${path}[${i}]`, out));
    return;
  }
  if (isInputObjectType(type) && !Array.isArray(value)) {
    for (const f of Object.values(type.getFields())) {
      walkRaw((value as Record<string, unknown>)[f.name], f.type, f.name, `${path}.${f.name}`, out);
    }
  }
}

const nonNull = (t: GraphQLInputType): GraphQLInputType => (isNonNullType(t) ? t.ofType : t);
