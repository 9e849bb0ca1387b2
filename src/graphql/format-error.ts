import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { ArgumentValidationError } from 'type-graphql';
import type { ValidationError } from 'class-validator';
import type { ApolloServerPlugin } from '@apollo/server';
import { DATABASE_UNAVAILABLE_MESSAGE, DomainError } from '../errors';
import { isDatabaseUnavailable } from '../db/unavailable';
import type { Logger } from '../logger';

/** Codes produced by GraphQL itself for a malformed request; safe to pass through as they are. */
const REQUEST_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'PERSISTED_QUERY_NOT_FOUND',
  'OPERATION_RESOLUTION_FAILURE',
  'BAD_REQUEST',
]);

function flatten(errors: ValidationError[], prefix = ''): { field: string; message: string }[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

/**
 * GraphQL's coercion messages quote the value sent (`Variable "$input" got invalid value {…}`),
 * which may be a petitioner's ID number: keep only the names of the variables and fields.
 */
export function withoutValues(message: string): string {
  if (!/invalid value|cannot represent|Expected value of type|Expected type/i.test(message)) return message;
  const names = [
    ...message.matchAll(/Variable "\$([^"]+)"|at "([^"]+)"|Field "([^"]+)"|Argument "([^"]+)"/g),
  ].map((m) => m[1] ?? m[2] ?? m[3] ?? m[4]);
  return `输入有误：${[...new Set(names)].join('、') || '输入'} 的值不符合接口定义（类型不符或缺少必填字段）`;
}

/**
 * The last word on what a client sees. Domain errors and request errors go out as they are;
 * input validation lists every bad field; anything else is logged (no variables, no personal
 * data) and answered as INTERNAL_SERVER_ERROR without stack or SQL.
 */
export function createFormatError(logger: Logger, exposeDetails: boolean) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const unwrapped = unwrapResolverError(error);
    // Apollo wraps a validation rule's error (the depth limit) and sets GRAPHQL_VALIDATION_FAILED.
    const original =
      unwrapped instanceof GraphQLError && unwrapped.originalError instanceof DomainError
        ? unwrapped.originalError
        : unwrapped;
    if (original instanceof DomainError) {
      const { stacktrace: _s, ...extensions } = (formatted.extensions ?? {}) as Record<string, unknown>;
      return {
        ...formatted,
        message: original.message,
        extensions: { ...extensions, code: original.code },
      };
    }
    if (original instanceof ArgumentValidationError) {
      const fields = flatten(original.extensions.validationErrors as unknown as ValidationError[]);
      return {
        message: `输入有误：${fields.map((f) => `${f.field}：${f.message}`).join('；')}`,
        path: formatted.path,
        locations: formatted.locations,
        extensions: { code: 'BAD_USER_INPUT', fields },
      };
    }
    const code = formatted.extensions?.code as string | undefined;
    if (code && REQUEST_CODES.has(code)) {
      // GraphQL's own messages may quote an input literal: never echo input values back.
      const message = withoutValues(formatted.message);
      return exposeDetails && message === formatted.message
        ? formatted
        : { message, locations: formatted.locations, extensions: { code } };
    }
    // The message of a database error quotes its SQL and parameters: log where it failed, not what.
    const err = original as Error & { code?: string; sqlState?: string };
    if (isDatabaseUnavailable(original)) {
      logger.warn(
        { err: { name: err?.name, code: err?.code }, path: formatted.path },
        'database unavailable',
      );
      return {
        message: DATABASE_UNAVAILABLE_MESSAGE,
        path: formatted.path,
        extensions: { code: 'DATABASE_UNAVAILABLE', retryable: true },
      };
    }
    logger.error(
      {
        err: {
          name: err?.name,
          code: err?.code ?? err?.sqlState,
          // Frames only: the lines before them are the message, which may run over several lines.
          stack: err?.stack
            ?.split('\n')
            .filter((l) => l.trimStart().startsWith('at '))
            .slice(0, 8)
            .join('\n'),
        },
        path: formatted.path,
      },
      'unexpected error',
    );
    return {
      message: '服务器内部错误，请稍后重试',
      path: formatted.path,
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    };
  };
}

/** A response with a DATABASE_UNAVAILABLE error goes out as HTTP 503 with `Retry-After: 1`. */
export function databaseUnavailablePlugin<T extends object>(): ApolloServerPlugin<T> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          const errors = response.body.kind === 'single' ? response.body.singleResult.errors : undefined;
          if (!errors?.some((e) => e.extensions?.code === 'DATABASE_UNAVAILABLE')) return;
          response.http.status = 503;
          response.http.headers.set('retry-after', '1');
        },
      };
    },
  };
}
