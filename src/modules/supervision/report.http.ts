import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import { authenticate, sendFailure, type RouteOptions } from '../../http/routes';

/**
 * GET /reports/followup.csv?unit=CODE&from=YYYY-MM-DD&to=YYYY-MM-DD
 *
 * The periodic follow-up report (the same as GraphQL `followUpReport`) as a CSV download for the
 * upper-level agency: UTF-8 with BOM, RFC 4180 quoting (report.csv.ts). `Authorization: Bearer …`,
 * verified exactly as for GraphQL (the shared createActorResolver); the same roles and jurisdiction
 * (supervisors over their subtree, reviewers over the units below their agency). `unit` defaults
 * to the user's own unit; `from` and `to` are optional (open ends).
 *
 * Errors as every plain route's (src/http/routes.ts).
 */

/** One query parameter as a string (a repeated or missing parameter is null). */
function param(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

export function createReportRouter(opts: RouteOptions): Router {
  const { logger } = opts;
  const router = Router();

  router.get('/reports/followup.csv', async (req, res) => {
    const requestId = (req.headers['x-request-id'] as string) || randomUUID();
    try {
      const { actor, services } = await authenticate(req, opts);
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
      sendFailure(res, e, logger, requestId, 'report');
    }
  });

  return router;
}
