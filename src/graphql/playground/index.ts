import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type express from 'express';
import type { Config } from '../../config';
import type { Logger } from '../../logger';
import { ASSETS_PATH, assetsRouter } from './assets';
import { PLAYGROUND_CSP, renderPlaygroundPage } from './page';

const gzip = promisify(zlib.gzip);

/** Media types a GraphQL client asks for; a browser's navigation prefers text/html over them. */
const GRAPHQL_TYPES = ['application/json', 'application/graphql-response+json', 'multipart/mixed'];

/** True for a GET whose Accept header prefers HTML: a person opening /graphql in a browser. */
export function prefersHtml(req: express.Request): boolean {
  return (
    req.method === 'GET' &&
    !!req.headers.accept &&
    req.accepts([...GRAPHQL_TYPES, 'text/html']) === 'text/html'
  );
}

/**
 * GraphQL Playground, offline: GET /graphql from a browser gets the Playground page; its
 * scripts, styles and fonts come from ASSETS_PATH on this hub. Every other request to /graphql
 * (POST, or GET from a GraphQL client, which Apollo's CSRF prevention governs) goes on to Apollo.
 * Mount before the GraphQL middleware.
 */
export function mountPlayground(app: express.Express, config: Config, logger: Logger): void {
  if (!config.playground) return;
  app.use(ASSETS_PATH, assetsRouter());
  app.get('/graphql', async (req, res, next) => {
    if (!prefersHtml(req)) return next();
    try {
      const html = Buffer.from(await renderPlaygroundPage(config, '/graphql'), 'utf8');
      // Development pages carry demo tokens: never cache them anywhere.
      res.setHeader('Cache-Control', 'no-store');
      res.setHeader('Vary', 'Accept, Accept-Encoding');
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      res.setHeader('Content-Security-Policy', PLAYGROUND_CSP);
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.setHeader('X-Frame-Options', 'DENY');
      res.setHeader('Referrer-Policy', 'no-referrer');
      if (req.acceptsEncodings('gzip', 'identity') === 'gzip') {
        res.setHeader('Content-Encoding', 'gzip');
        res.end(await gzip(html));
      } else {
        res.end(html);
      }
    } catch (e) {
      logger.error(
        { err: { name: (e as Error).name, message: (e as Error).message } },
        'playground page failed',
      );
      next(e);
    }
  });
}
