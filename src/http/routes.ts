import type { Request, Response } from 'express';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Actor } from '../auth/actor';
import { bearerToken, type ActorResolver } from '../auth/authenticate';
import { DatabaseUnavailableError, DomainError, UnauthenticatedError } from '../errors';
import { isDatabaseUnavailable } from '../db/availability';
import type { Logger } from '../logger';
import { createServices } from '../services';
import type { Deps } from '../shared/deps';

/**
 * What the plain HTTP routes beside GraphQL (file upload/download, the CSV report) share: the
 * token checked exactly as for GraphQL, and errors as JSON `{ "error": { "code", "message",
 * "fields"? } }` with GraphQL's codes and the matching HTTP status.
 */

const STATUS: Record<string, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  BAD_USER_INPUT: 400,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  DATABASE_UNAVAILABLE: 503,
};

export interface RouteOptions {
  orm: MikroORM;
  deps: Deps;
  logger: Logger;
  resolveActor: ActorResolver;
}

export function sendError(res: Response, code: string, message: string, extra: Record<string, unknown> = {}) {
  if (res.headersSent) return;
  res.setHeader('Cache-Control', 'no-store');
  res.status(STATUS[code] ?? 500).json({ error: { code, message, ...extra } });
}

/** A domain error as itself; anything else logged (name and code only, never values) as a 500. */
export function sendFailure(res: Response, e: unknown, logger: Logger, requestId: string, route: string) {
  if (!(e instanceof DomainError) && isDatabaseUnavailable(e)) {
    logger.warn(
      { err: { name: (e as Error)?.name, code: (e as { code?: string })?.code }, requestId },
      `${route}: database unavailable`,
    );
    e = new DatabaseUnavailableError();
    res.setHeader('Retry-After', String(DatabaseUnavailableError.RETRY_AFTER_SECONDS));
  }
  if (e instanceof DomainError) {
    return sendError(res, e.code, e.message, e.details);
  }
  logger.error(
    { err: { name: (e as Error)?.name, code: (e as { code?: string })?.code }, requestId },
    `${route} route failed`,
  );
  return sendError(res, 'INTERNAL_SERVER_ERROR', '服务器内部错误，请稍后重试');
}

/** The request's actor and services, from its bearer token. */
export async function authenticate(req: Request, { orm, deps, resolveActor }: RouteOptions) {
  const token = bearerToken(req.headers.authorization);
  if (!token) throw new UnauthenticatedError('未认证：缺少访问令牌（Authorization: Bearer …）');
  const em = orm.em.fork();
  const actor: Actor = await resolveActor(token, em);
  return { actor, services: createServices(em, deps) };
}
