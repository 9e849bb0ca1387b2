import { createHash, timingSafeEqual } from 'node:crypto';
import type express from 'express';
import type { ApolloServerPlugin } from '@apollo/server';
import type { Config } from '../config';
import type { HubMetrics } from '../shared/metrics';
import { errorCode } from '../graphql/format-error';

/**
 * GET /metrics in Prometheus text format, on the hub's own port.
 * - METRICS_TOKEN set: only `Authorization: Bearer <METRICS_TOKEN>` is answered (401 otherwise).
 * - no token, production: off (404, as if there were no such route).
 * - no token, development/test: open.
 */
export function metricsRoute(config: Config, metrics: HubMetrics): express.RequestHandler {
  const token = config.metrics.token;
  // Digests of equal length, so the comparison takes the same time whatever the caller sent.
  const expected = token ? digest(token) : undefined;
  return async (req, res) => {
    if (!expected) {
      if (config.env === 'production') {
        res.status(404).json({ error: { code: 'NOT_FOUND', message: '未找到' } });
        return;
      }
    } else {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
      if (!m || !timingSafeEqual(digest(m[1]), expected)) {
        res
          .status(401)
          .set('WWW-Authenticate', 'Bearer realm="metrics"')
          .json({
            error: { code: 'UNAUTHENTICATED', message: '未认证：需要监控令牌（Authorization: Bearer …）' },
          });
        return;
      }
    }
    try {
      const body = await metrics.metrics();
      res.set('Content-Type', metrics.registry.contentType).set('Cache-Control', 'no-store').send(body);
    } catch {
      res.status(500).json({ error: { code: 'INTERNAL_SERVER_ERROR', message: '监控指标暂不可用' } });
    }
  };
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** Counts and times each GraphQL operation by its name and outcome code (never its variables). */
export function metricsPlugin(metrics: HubMetrics): ApolloServerPlugin {
  return {
    async contextCreationDidFail({ error }) {
      const code = errorCode(error);
      metrics.graphqlRefused.inc({ code: metrics.codeLabel(code) });
    },
    async requestDidStart() {
      const started = process.hrtime.bigint();
      return {
        async willSendResponse({ operationName, response }) {
          // The errors as the client received them (formatted, so every one has its code).
          const errors = response.body.kind === 'single' ? response.body.singleResult.errors : undefined;
          const code = errors?.length ? metrics.codeLabel(errors[0].extensions?.code) : 'OK';
          metrics.observeOperation(operationName, code, Number(process.hrtime.bigint() - started) / 1e9);
        },
      };
    },
  };
}
