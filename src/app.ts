import http from 'node:http';
import { randomUUID } from 'node:crypto';
import express from 'express';
import { Kind, parse } from 'graphql';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Config } from './config';
import type { Logger } from './logger';
import { bearerToken, createActorResolver } from './auth/authenticate';
import { DatabaseUnavailableError, UnauthenticatedError } from './errors';
import { isDatabaseUnavailable } from './db/availability';
import { databaseUnavailablePlugin } from './graphql/unavailable';
import { buildHubSchema } from './graphql/schema';
import {
  createFormatError,
  domainErrorHttpPlugin,
  errorCode,
  withDomainErrors,
} from './graphql/format-error';
import { costLimitPlugin, depthLimitRule } from './graphql/limits';
import { localDateLiteralNamesPlugin } from './graphql/scalars/local-date';
import { MAX_DOCUMENT_TOKENS } from './graphql/input-rules';
import { requestBudget } from './graphql/request-budget';
import { mountPlayground } from './graphql/playground';
import type { Context } from './graphql/context';
import { createDeps, createServices } from './services';
import type { Deps } from './shared/deps';
import { createLoaders } from './graphql/loaders';
import { RequestAudit } from './access/clear-reads';
import { AuditService } from './modules/audit/audit.service';
import { createFileRouter } from './modules/followup/files.http';
import { createReportRouter } from './modules/supervision/report.http';
import { metricsPlugin, metricsRoute } from './http/metrics';
import { readRoutingPlugin, readRoutingScope } from './graphql/read-routing';

export interface HubOptions {
  config: Config;
  orm: MikroORM;
  logger: Logger;
  /** Injectable clock (tests move time); defaults to the real one. */
  now?: () => Date;
  /**
   * On stop, how long the hub keeps serving (with /readyz 503, so load balancers move away)
   * before it stops accepting and drains: requests already sent but not yet read are served
   * rather than reset. Default 500 ms.
   */
  stopGraceMs?: number;
}

export interface Hub {
  app: express.Express;
  httpServer: http.Server;
  deps: Deps;
  /** Starts listening; resolves with the bound port. */
  listen(port: number, host?: string): Promise<number>;
  /** Stops accepting requests and waits for in-flight ones to finish. */
  stop(): Promise<void>;
}

/**
 * Writes the request's clear reads of personal data (src/access/clear-reads.ts, the one path they
 * all take) to the audit log before the response leaves. If the audit cannot be written, the data
 * is withheld: the response becomes an error.
 */
function clearReadAuditPlugin(logger: Logger, now: () => Date): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response }) {
          const audit = contextValue.audit;
          if (!audit || audit.empty) return;
          try {
            await new AuditService(contextValue.em, now).recordManyDetached(audit.entries());
            audit.clear();
          } catch (e) {
            logger.error(
              { err: { name: (e as Error).name }, requestId: contextValue.requestId },
              'audit write failed; response withheld',
            );
            const down = isDatabaseUnavailable(e);
            if (down) response.http.status = 503;
            if (response.body.kind === 'single') {
              response.body.singleResult = {
                errors: [
                  {
                    message: '审计日志写入失败，已拒绝返回个人信息',
                    extensions: down
                      ? {
                          code: 'DATABASE_UNAVAILABLE',
                          retryable: true,
                          retryAfterSeconds: DatabaseUnavailableError.RETRY_AFTER_SECONDS,
                        }
                      : { code: 'INTERNAL_SERVER_ERROR' },
                  },
                ],
              };
            }
          }
        },
      };
    },
  };
}

/** Logs each operation's name, outcome and duration; never variables or the query text. */
function requestLogPlugin(logger: Logger): ApolloServerPlugin<Context> {
  return {
    async requestDidStart({ contextValue }) {
      const started = process.hrtime.bigint();
      return {
        async willSendResponse({ operationName, errors }) {
          logger.info(
            {
              requestId: contextValue.requestId,
              operationName,
              userId: contextValue.actor?.userId,
              unit: contextValue.actor?.unitCode,
              errorCodes: errors?.map(errorCode),
              ms: Number(process.hrtime.bigint() - started) / 1e6,
            },
            'graphql',
          );
        },
      };
    },
  };
}

/** True for a query whose only selections are `__typename` (no fields, fragments or variables). */
function isTypenameProbe(query: unknown): boolean {
  if (typeof query !== 'string' || query.length > 200) return false;
  try {
    const doc = parse(query);
    return doc.definitions.every(
      (d) =>
        d.kind === Kind.OPERATION_DEFINITION &&
        d.operation === 'query' &&
        !d.variableDefinitions?.length &&
        d.selectionSet.selections.every(
          (s) => s.kind === Kind.FIELD && s.name.value === '__typename' && !s.selectionSet,
        ),
    );
  } catch {
    return false;
  }
}

export async function createApp({
  config,
  orm,
  logger,
  now = () => new Date(),
  stopGraceMs = 500,
}: HubOptions): Promise<Hub> {
  const app = express();
  app.disable('x-powered-by');
  const httpServer = http.createServer(app);
  const deps: Deps = createDeps(config, now);
  // The unit tree is cached while this hub listens for changes to it (any instance's, any tool's).
  await deps.unitTree.listen(orm.config.getClientUrl());
  const resolveActor = createActorResolver(config, deps.unitTree);

  const apollo = new ApolloServer<Context>({
    schema: buildHubSchema(),
    introspection: config.introspection,
    // Query limits (graphql/limits.ts). With maxRecursiveSelections, GraphQL's own rules run first,
    // so the depth rule sees valid documents only; the cost is checked once variables are known.
    maxRecursiveSelections: true,
    // A document's size bounds parsing and validation: a 50,000-item literal list is refused by
    // the parser (GRAPHQL_PARSE_FAILED) before anything walks it (graphql/input-rules.ts).
    parseOptions: { maxTokens: MAX_DOCUMENT_TOKENS },
    validationRules: [depthLimitRule(config.limits.maxDepth)],
    // main.ts owns the signals: it drains HTTP, then closes the database, then exits.
    stopOnTerminationSignals: false,
    includeStacktraceInErrorResponses: config.env === 'development',
    formatError: createFormatError(logger, config.env === 'development'),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginLandingPageDisabled(),
      // No cache hints are used; without this plugin Apollo wraps every field of every row.
      ApolloServerPluginCacheControlDisabled(),
      // A bad LocalDate literal is refused naming its argument or field (graphql/scalars).
      localDateLiteralNamesPlugin<Context>(),
      costLimitPlugin<Context>(config.limits.maxCost, requestBudget(config.requestBudgetPerMinute, now)),
      clearReadAuditPlugin(logger, now),
      requestLogPlugin(logger),
      metricsPlugin(deps.metrics),
      readRoutingPlugin(config),
      databaseUnavailablePlugin<Context>(),
      domainErrorHttpPlugin<Context>(),
    ],
  });
  await apollo.start();

  // Prometheus metrics (http/metrics.ts): behind METRICS_TOKEN when set; off in production without it.
  deps.metrics.watchDatabase(orm);
  app.get('/metrics', metricsRoute(config, deps.metrics));

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  let draining = false;
  app.get('/readyz', async (_req, res) => {
    if (draining) {
      res.status(503).json({ status: 'shutting down' });
      return;
    }
    try {
      await orm.em.fork().execute('select 1');
      res.json({ status: 'ready' });
    } catch {
      res.status(503).json({ status: 'database unreachable' });
    }
  });

  // Archive files: plain authenticated multipart upload and audited download (see files.http.ts).
  app.use(createFileRouter({ orm, deps, logger, resolveActor }));

  // The periodic follow-up report as CSV, same token check as GraphQL (supervision/report.http.ts).
  app.use(createReportRouter({ orm, deps, logger, resolveActor }));

  // GraphQL Playground for browsers at GET /graphql, all its files served here (graphql/playground).
  mountPlayground(app, config, logger);

  app.use(
    '/graphql',
    express.json({ limit: '2mb' }),
    readRoutingScope(config),
    expressMiddleware(apollo, {
      // A domain error thrown here (no token, a bad token) keeps its code and status (401, 503).
      context: withDomainErrors(async ({ req }): Promise<Context> => {
        const requestId = (req.headers['x-request-id'] as string) || randomUUID();
        const token = bearerToken(req.headers.authorization);
        if (!token) {
          // `{ __typename }` alone is a liveness probe: it reaches no resolver and reveals nothing.
          if (isTypenameProbe((req.body as { query?: unknown } | undefined)?.query)) {
            return { requestId, logger } as Context;
          }
          throw new UnauthenticatedError('未认证：缺少访问令牌（Authorization: Bearer …）');
        }
        const em = orm.em.fork();
        const actor = await resolveActor(token, em).catch((e: unknown) => {
          // The token's unit is the first thing read: a database that is gone answers 503 here.
          throw isDatabaseUnavailable(e) ? new DatabaseUnavailableError() : e;
        });
        return {
          actor,
          em,
          services: createServices(em, deps),
          loaders: createLoaders(em, deps.unitTree),
          audit: new RequestAudit(actor),
          logger,
          requestId,
        };
      }),
    }),
  );

  // Last in line: a body that is not JSON (or too large) is answered in JSON without echoing it;
  // express's default handler would print the raw body, personal data included, to stderr.
  app.use(
    (
      err: { status?: number; type?: string },
      _req: express.Request,
      res: express.Response,
      _next: express.NextFunction,
    ) => {
      const status =
        typeof err.status === 'number' && err.status >= 400 && err.status < 500 ? err.status : 500;
      logger.warn({ status, type: err.type }, 'request refused before GraphQL');
      res.status(status).json({
        errors: [
          status < 500
            ? {
                message: `请求无效（${status}）：请求体须为不超过上限的 JSON`,
                extensions: { code: 'BAD_REQUEST' },
              }
            : { message: '服务器内部错误，请稍后重试', extensions: { code: 'INTERNAL_SERVER_ERROR' } },
        ],
      });
    },
  );

  let stopping: Promise<void> | undefined;
  return {
    app,
    httpServer,
    deps,
    listen: (port, host = '0.0.0.0') =>
      new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, host, () => resolve((httpServer.address() as { port: number }).port));
      }),
    stop: () =>
      (stopping ??= (async () => {
        draining = true;
        await new Promise((r) => setTimeout(r, stopGraceMs));
        await apollo.stop(); // stops accepting, waits for the requests in flight, closes idle connections
        await deps.unitTree.close();
      })()),
  };
}
