/**
 * Typed domain errors: a stable English `code` for clients and a Chinese message for the user,
 * with `details` a client may act on (the bad fields, when to retry). Plain errors, so services
 * know nothing of GraphQL or HTTP: graphql/format-error.ts is the one place that turns them into
 * GraphQL errors (`extensions.code` and the details) and HTTP statuses, and http/routes.ts into
 * JSON for the plain HTTP routes. Messages never carry personal data.
 */
export type ErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'BAD_USER_INPUT'
  | 'CONFLICT'
  | 'CONDITION_NOT_MET'
  | 'QUERY_TOO_COMPLEX'
  | 'RATE_LIMITED'
  | 'ORACLE_SUSPECTED'
  | 'DATABASE_UNAVAILABLE'
  | 'INTERNAL_SERVER_ERROR';

export interface FieldProblem {
  field: string;
  message: string;
}

export class DomainError extends Error {
  constructor(
    public readonly code: ErrorCode,
    message: string,
    /** What goes out beside the code (`extensions` in GraphQL): never personal data. */
    public readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export class UnauthenticatedError extends DomainError {
  constructor(message = '未认证：请提供有效的访问令牌') {
    super('UNAUTHENTICATED', message);
  }
}
export class ForbiddenError extends DomainError {
  constructor(message = '无权执行此操作') {
    super('FORBIDDEN', message);
  }
}
export class NotFoundError extends DomainError {
  /** The same message whether the object is missing or outside the actor's jurisdiction. */
  constructor(what: string) {
    super('NOT_FOUND', `${what}不存在或不在您的管辖范围内`);
  }
}
export class ConflictError extends DomainError {
  constructor(message: string) {
    super('CONFLICT', message);
  }
}
/** Input problems, all at once: `extensions.fields` lists every bad field. */
export class BadInputError extends DomainError {
  constructor(public readonly fields: FieldProblem[]) {
    super('BAD_USER_INPUT', problemsMessage(fields), { fields });
  }
}

/** The one message of an input error: every bad field with its problem. */
export const problemsMessage = (fields: FieldProblem[]): string =>
  `输入有误：${fields.map((f) => `${f.field}：${f.message}`).join('；')}`;
export class ConditionNotMetError extends DomainError {
  constructor(condition: string, unmet: string[]) {
    super('CONDITION_NOT_MET', `不符合终结条件 ${condition}：${unmet.join('；')}`, { condition, unmet });
  }
}

/**
 * Too many requests of one kind by one user. With `retryAfterSeconds`, the hint goes out in
 * `extensions.retryAfterSeconds`; with `wholeRequest` (the request refused before it ran), also
 * as HTTP 429 with `Retry-After`.
 */
export class RateLimitedError extends DomainError {
  constructor(
    message: string,
    readonly retryAfterSeconds?: number,
    readonly wholeRequest = false,
  ) {
    super('RATE_LIMITED', message, retryAfterSeconds === undefined ? {} : { retryAfterSeconds });
  }
}

/**
 * Duplicate checks that look like guessing an identity (one content with ever new ID numbers, or
 * too many different identities in a day): refused until the window ends, recorded for supervisors.
 * `reason`: SAME_CONTENT_IDENTITIES or IDENTITIES_PER_DAY.
 */
export class OracleSuspectedError extends DomainError {
  constructor(message: string, reason: string, retryAfterSeconds: number) {
    super('ORACLE_SUSPECTED', message, { reason, retryAfterSeconds });
  }
}

/** The database cannot be reached just now: HTTP 503, and the client may retry the same request. */
export class DatabaseUnavailableError extends DomainError {
  static readonly RETRY_AFTER_SECONDS = 5;
  constructor() {
    const retryAfter = DatabaseUnavailableError.RETRY_AFTER_SECONDS;
    super('DATABASE_UNAVAILABLE', `数据库暂时不可用，请 ${retryAfter} 秒后重试（写操作请带同一幂等键重试）`, {
      retryable: true,
      retryAfterSeconds: retryAfter,
    });
  }
}

/**
 * The request as sent breaks the hub's outer bounds on input (graphql/input-rules.ts): refused
 * as a whole (HTTP 400), every bad field named.
 */
export class InputBoundsError extends BadInputError {}

/** A query too deep, too large or too costly to run (graphql/limits.ts): HTTP 400. */
export class QueryTooComplexError extends DomainError {
  constructor(message: string, details: Record<string, unknown>) {
    super('QUERY_TOO_COMPLEX', message, details);
  }
}

/** Collects field problems so a caller can report every bad field in one error. */
export class Problems {
  readonly list: FieldProblem[] = [];
  add(field: string, message: string): this {
    this.list.push({ field, message });
    return this;
  }
  check(ok: boolean, field: string, message: string): this {
    if (!ok) this.add(field, message);
    return this;
  }
  throwIfAny(): void {
    if (this.list.length) throw new BadInputError(this.list);
  }
}
