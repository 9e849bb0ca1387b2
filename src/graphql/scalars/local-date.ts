import {
  GraphQLError,
  GraphQLScalarType,
  Kind,
  visit,
  type ArgumentNode,
  type DocumentNode,
  type ObjectFieldNode,
  type ValueNode,
} from 'graphql';
import type { ApolloServerPlugin } from '@apollo/server';
import { LocalDateResolver } from 'graphql-scalars';
import { InputBoundsError } from '../../errors';
import { isIsoDate } from '../../shared/dates';

/** What a caller hears for a value that is no calendar day (the same words as shared/checks.ts). */
export const LOCAL_DATE_MESSAGE = '日期格式应为 YYYY-MM-DD（1900–2999 年间的真实日期）';

/**
 * A calendar day as graphql-scalars' LocalDate accepts it (ISO 8601 `YYYY-MM-DD`, a real day)
 * and as the hub stores it (1900–2999, shared/dates.ts isIsoDate); false for anything else.
 */
export function isLocalDate(value: unknown): value is string {
  try {
    return LocalDateResolver.parseValue(value) === value && isIsoDate(value);
  } catch {
    return false;
  }
}

/**
 * The argument or input-field path of each literal value in a validated document
 * (`input.acceptedAt`), recorded by recordLiteralNames before GraphQL's own rule
 * (ValuesOfCorrectType) parses the literal, so that the refusal can name it.
 */
const literalNames = new WeakMap<ValueNode, string>();

/** A refusal naming the field: BAD_USER_INPUT with `extensions.fields` (graphql/format-error.ts). */
function refusal(field: string, node?: ValueNode): GraphQLError {
  const e = new InputBoundsError([{ field, message: LOCAL_DATE_MESSAGE }]);
  return new GraphQLError(e.message, { nodes: node, originalError: e });
}

/** Strings LocalDate has serialized as themselves. */
const servedDays = new Set<string>();

/**
 * graphql-scalars' `LocalDate` under its own name, with the hub's refusal: a Chinese message
 * naming the field instead of graphql-scalars' English one (which quotes the value), and the
 * hub's 1900–2999 bound. Parsed and serialized values are the `YYYY-MM-DD` strings themselves,
 * so services keep comparing days as strings.
 */
export const LocalDate = new GraphQLScalarType<string, string>({
  name: 'LocalDate',
  description:
    '日期（不含时间和时区），ISO 8601 格式 YYYY-MM-DD，如 2026-01-05；须为 1900–2999 年间的真实日期。A local date string (i.e., with no associated timezone) in `YYYY-MM-DD` format, e.g. `2020-01-01`.',
  serialize(value) {
    // A page serializes the same few days again and again: a string graphql-scalars has already
    // answered with itself is answered from memory (bounded; cleared when full).
    if (typeof value === 'string' && servedDays.has(value)) return value;
    const out = LocalDateResolver.serialize(value) as string;
    if (out === value) {
      if (servedDays.size >= 4096) servedDays.clear();
      servedDays.add(out);
    }
    return out;
  },
  parseValue(value) {
    if (!isLocalDate(value)) throw refusal('日期');
    return value;
  },
  parseLiteral(node) {
    if (node.kind !== Kind.STRING || !isLocalDate(node.value))
      throw refusal(literalNames.get(node) ?? '日期', node);
    return node.value;
  },
  extensions: LocalDateResolver.extensions,
});

/**
 * Records where each literal argument and input-field value of a document sits
 * (`input.acceptedAt`), for LocalDate's refusal of a bad literal. Run before validation
 * (localDateLiteralNamesPlugin): GraphQL's own rule ValuesOfCorrectType parses the literals.
 */
export function recordLiteralNames(document: DocumentNode): void {
  const names: string[] = [];
  const enter = (node: ArgumentNode | ObjectFieldNode) => {
    names.push(node.name.value);
    if (node.value.kind !== Kind.VARIABLE) literalNames.set(node.value, names.join('.'));
  };
  const leave = () => void names.pop();
  visit(document, { Argument: { enter, leave }, ObjectField: { enter, leave } });
}

/** Names the literals of every document Apollo validates (documents it has cached are valid). */
export function localDateLiteralNamesPlugin<T extends object>(): ApolloServerPlugin<T> {
  return {
    async requestDidStart() {
      return {
        async validationDidStart({ document }) {
          recordLiteralNames(document);
        },
      };
    },
  };
}
