import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { HeaderMap, type ApolloServerPlugin, type HTTPGraphQLHead } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import { ArgumentValidationError } from 'type-graphql';
import type { ValidationError } from 'class-validator';
import {
  DatabaseUnavailableError,
  DomainError,
  InputBoundsError,
  QueryTooComplexError,
  RateLimitedError,
  UnauthenticatedError,
  problemsMessage,
} from '../errors';
import { isDatabaseUnavailable } from '../db/availability';
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
 * The HTTP status (and headers) of a domain error that refuses the request as a whole; none for
 * an error of one field, which goes out with HTTP 200 beside the other fields' data.
 */
function httpOf(e: DomainError): Partial<HTTPGraphQLHead> | undefined {
  const retryAfter = (seconds: number) => new HeaderMap([['retry-after', String(seconds)]]);
  if (e instanceof UnauthenticatedError) return { status: 401 };
  if (e instanceof InputBoundsError || e instanceof QueryTooComplexError) return { status: 400 };
  if (e instanceof RateLimitedError && e.wholeRequest && e.retryAfterSeconds !== undefined)
    return { status: 429, headers: retryAfter(e.retryAfterSeconds) };
  if (e instanceof DatabaseUnavailableError)
    return { status: 503, headers: retryAfter(DatabaseUnavailableError.RETRY_AFTER_SECONDS) };
  return undefined;
}

/** The domain error behind what Apollo or graphql-js hands over (wrapped once or twice), if any. */
function domainErrorOf(error: unknown): DomainError | undefined {
  for (let e = error, depth = 0; e && depth < 3; depth++) {
    if (e instanceof DomainError) return e;
    e = e instanceof GraphQLError ? e.originalError : undefined;
  }
  return undefined;
}

/** A client-facing error's code, for logs and metrics, before formatError has run. */
export function errorCode(error: unknown): unknown {
  return domainErrorOf(error)?.code ?? (error as GraphQLError | undefined)?.extensions?.code;
}

/**
 * A domain error as a GraphQL error, for the places that must hand GraphQL or Apollo one (a
 * validation rule, the context function): its code and details as extensions, its HTTP status.
 */
export function toGraphQLError(e: DomainError): GraphQLError {
  const http = httpOf(e);
  return new GraphQLError(e.message, {
    originalError: e,
    extensions: { code: e.code, ...e.details, ...(http ? { http } : {}) },
  });
}

/**
 * Apollo's context function with its domain errors as GraphQL errors: Apollo answers a failed
 * context without running any plugin, with the status found in the error's extensions.
 */
export function withDomainErrors<A extends unknown[], R>(
  createContext: (...args: A) => Promise<R>,
): (...args: A) => Promise<R> {
  return async (...args) => {
    try {
      return await createContext(...args);
    } catch (e) {
      throw e instanceof DomainError ? toGraphQLError(e) : e;
    }
  };
}

/**
 * The HTTP status of a response refused by a domain error (thrown by a resolver or a plugin):
 * Apollo reads statuses only from GraphQL errors' extensions, which domain errors do not have.
 * Like Apollo, the last error with a status decides.
 */
export function domainErrorHttpPlugin<T extends object>(): ApolloServerPlugin<T> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ errors, response }) {
          for (const error of errors ?? []) {
            const domain = domainErrorOf(error);
            const http = domain && httpOf(domain);
            if (!http) continue;
            if (http.status) response.http.status = http.status;
            for (const [k, v] of http.headers ?? []) response.http.headers.set(k, v);
          }
        },
      };
    },
  };
}

/**
 * The last word on what a client sees. Domain errors and request errors go out as they are;
 * input validation lists every bad field; anything else is logged (no variables, no personal
 * data) and answered as INTERNAL_SERVER_ERROR without stack or SQL.
 */
export function createFormatError(logger: Logger, exposeDetails: boolean) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    // Resolvers' errors come wrapped by graphql-js, plugins' and the context's by Apollo, a
    // validation rule's (the depth limit) by Apollo with GRAPHQL_VALIDATION_FAILED.
    const domain = domainErrorOf(error);
    if (domain) {
      return {
        message: domain.message,
        ...(formatted.locations ? { locations: formatted.locations } : {}),
        ...(formatted.path ? { path: formatted.path } : {}),
        extensions: { code: domain.code, ...domain.details },
      };
    }
    const original = unwrapResolverError(error);
    if (original instanceof ArgumentValidationError) {
      const fields = flatten(original.extensions.validationErrors as unknown as ValidationError[]);
      return {
        message: problemsMessage(fields),
        path: formatted.path,
        locations: formatted.locations,
        extensions: { code: 'BAD_USER_INPUT', fields },
      };
    }
    let code = formatted.extensions?.code as string | undefined;
    // GraphQL's own "Too many errors processing variables" after 50 bad values carries no code.
    if (!code && /^Too many errors processing variables/.test(formatted.message)) code = 'BAD_USER_INPUT';
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
      const e = new DatabaseUnavailableError();
      return { message: e.message, path: formatted.path, extensions: { code: e.code, ...e.details } };
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
