import { GraphQLError } from 'graphql';
import { HeaderMap } from '@apollo/server';

/**
 * Typed domain errors: a stable English `extensions.code` for clients and a Chinese message for
 * the user. Messages never carry personal data.
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

export class DomainError extends GraphQLError {
  constructor(
    public readonly code: ErrorCode,
    message: string,
    extra: Record<string, unknown> = {},
  ) {
    super(message, { extensions: { code, ...extra } });
    this.name = 'DomainError';
  }
}

export class UnauthenticatedError extends DomainError {
  constructor(message = '未认证：请提供有效的访问令牌') {
    super('UNAUTHENTICATED', message, { http: { status: 401 } });
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
    super('BAD_USER_INPUT', `输入有误：${fields.map((f) => `${f.field}：${f.message}`).join('；')}`, {
      fields,
    });
  }
}
export class ConditionNotMetError extends DomainError {
  constructor(condition: string, unmet: string[]) {
    super('CONDITION_NOT_MET', `不符合终结条件 ${condition}：${unmet.join('；')}`, { condition, unmet });
  }
}

/**
 * Too many requests of one kind by one user. With `retryAfterSeconds`, the hint goes out in
 * `extensions.retryAfterSeconds`; with `wholeRequest`, also as HTTP 429 with `Retry-After`.
 */
export class RateLimitedError extends DomainError {
  constructor(message: string, retryAfterSeconds?: number, wholeRequest = false) {
    super(
      'RATE_LIMITED',
      message,
      retryAfterSeconds === undefined
        ? {}
        : {
            retryAfterSeconds,
            ...(wholeRequest
              ? { http: { status: 429, headers: new Map([['retry-after', String(retryAfterSeconds)]]) } }
              : {}),
          },
    );
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
      http: { status: 503, headers: new HeaderMap([['retry-after', String(retryAfter)]]) },
    });
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
