import { randomUUID } from 'node:crypto';
import { Router, type Response } from 'express';
import type { MikroORM } from '@mikro-orm/postgresql';
import { bearerToken, type ActorResolver } from '../../auth/authenticate';
import { DomainError, UnauthenticatedError } from '../../errors';
import type { Logger } from '../../logger';
import { createServices, type Deps } from '../../services';

/**
 * GET /reports/followup.csv?unit=CODE&from=YYYY-MM-DD&to=YYYY-MM-DD
 *
 * The periodic follow-up report (the same as GraphQL `followUpReport`) as a CSV download for the
 * upper-level agency: UTF-8 with BOM, RFC 4180 quoting (report.csv.ts). `Authorization: Bearer …`,
 * verified exactly as for GraphQL (the shared createActorResolver); the same roles and jurisdiction
 * (supervisors over their subtree, reviewers over the units below their agency). `unit` defaults
 * to the user's own unit; `from` and `to` are optional (open ends).
 *
 * Errors are JSON `{ "error": { "code", "message", "fields"? } }` with the same codes as GraphQL.
 */

const STATUS: Record<string, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  BAD_USER_INPUT: 400,
};

interface Options {
  orm: MikroORM;
  deps: Deps;
  logger: Logger;
  resolveActor: ActorResolver;
}

function sendError(res: Response, code: string, message: string, extra: Record<string, unknown> = {}) {
  if (res.headersSent) return;
  res.setHeader('Cache-Control', 'no-store');
  res.status(STATUS[code] ?? 500).json({ error: { code, message, ...extra } });
}

/** One query parameter as a string (a repeated or missing parameter is null). */
function param(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

export function createReportRouter({ orm, deps, logger, resolveActor }: Options): Router {
  const router = Router();

  router.get('/reports/followup.csv', async (req, res) => {
    const requestId = (req.headers['x-request-id'] as string) || randomUUID();
    try {
      const token = bearerToken(req.headers.authorization);
      if (!token) throw new UnauthenticatedError('未认证：缺少访问令牌（Authorization: Bearer …）');
      const em = orm.em.fork();
      const actor = await resolveActor(token, em);
      const services = createServices(em, deps);
      const { fileName, csv } = await services.supervision.statistics.exportCsv(
        actor,
        param(req.query.unit),
        param(req.query.from),
        param(req.query.to),
      );
      res.status(200);
      res.setHeader('Content-Type', 'text/csv; charset=utf-8');
      res.setHeader('Content-Disposition', `attachment; filename="${fileName}"`);
      res.setHeader('Cache-Control', 'no-store');
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.end(csv);
    } catch (e) {
      if (e instanceof DomainError) {
        const { code: _c, http: _h, ...extra } = (e.extensions ?? {}) as Record<string, unknown>;
        return sendError(res, e.code, e.message, extra);
      }
      logger.error(
        { err: { name: (e as Error)?.name, code: (e as { code?: string })?.code }, requestId },
        'report route failed',
      );
      return sendError(res, 'INTERNAL_SERVER_ERROR', '服务器内部错误，请稍后重试');
    }
  });

  return router;
}
