import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import express from 'express';

/**
 * Every file the Playground page loads, served by the hub itself (the internal network has no
 * internet): GraphQL Playground's built bundle and stylesheet from `graphql-playground-react`,
 * its fonts (Open Sans, Source Code Pro) from `@fontsource`, and the page's own start script.
 *
 * URLs carry a content hash (`/playground-assets/<hash>/middleware.js`), so browsers may keep
 * them for a year (`immutable`); a new build gets a new hash. Each file is compressed once per
 * process (brotli and gzip, on first request) instead of on every request, and has a strong
 * ETag per encoding for revalidation.
 */

export const ASSETS_PATH = '/playground-assets';

interface Asset {
  body: Buffer;
  type: string;
  /** Already compressed formats (woff2, png) are sent as they are. */
  compressible: boolean;
  hash: string;
  encoded: Map<'br' | 'gzip', Promise<Buffer>>;
}

const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);

const pkgDir = (name: string) => path.dirname(require.resolve(`${name}/package.json`));

/** Latin only: CJK text falls back to the system's fonts, which every desktop has. */
const LATIN =
  'U+0000-00FF, U+0131, U+0152-0153, U+02BB-02BC, U+02C6, U+02DA, U+02DC, U+0304, U+0308, U+0329, ' +
  'U+2000-206F, U+20AC, U+2122, U+2191, U+2193, U+2212, U+2215, U+FEFF, U+FFFD';
const FONTS: { family: string; pkg: string; file: string; weight: number }[] = [
  ...[300, 400, 600, 700].map((weight) => ({
    family: 'Open Sans',
    pkg: '@fontsource/open-sans',
    file: `open-sans-latin-${weight}-normal.woff2`,
    weight,
  })),
  ...[400, 700].map((weight) => ({
    family: 'Source Code Pro',
    pkg: '@fontsource/source-code-pro',
    file: `source-code-pro-latin-${weight}-normal.woff2`,
    weight,
  })),
];

/** Runs in the browser after the bundle: reads the page's JSON config and starts Playground. */
const INIT_JS = `(function () {
  var el = document.getElementById('playground-config');
  var config = JSON.parse(el.textContent);
  // The page is served at the GraphQL endpoint itself; make every endpoint absolute on this origin.
  var endpoint = window.location.origin + window.location.pathname;
  config.endpoint = endpoint;
  (config.tabs || []).forEach(function (tab) { tab.endpoint = endpoint; });
  window.GraphQLPlayground.init(document.getElementById('root'), config);
})();
`;

/** Light page behind Playground, and the loading notice until it starts. */
const PAGE_CSS = `html, body { height: 100%; margin: 0; background: #eef1f4; overflow: hidden; }
#loading-wrapper { position: absolute; inset: 0; display: flex; align-items: center; justify-content: center;
  font: 16px 'Open Sans', sans-serif; color: #4a5866; }
`;

function fontsCss(): string {
  return FONTS.map(
    (f) => `@font-face {
  font-family: '${f.family}';
  font-style: normal;
  font-display: swap;
  font-weight: ${f.weight};
  src: url(fonts/${f.file}) format('woff2');
  unicode-range: ${LATIN};
}
`,
  ).join('');
}

/** Drops the `sourceMappingURL` comment: the maps are not served (and are 8 MB each). */
const withoutSourceMap = (text: string) =>
  text.replace(/\n?\/[/*]# sourceMappingURL=\S+(\s*\*\/)?\s*$/, '\n');

function asset(body: Buffer | string, type: string, compressible = true): Asset {
  const buf = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  return {
    body: buf,
    type,
    compressible,
    hash: createHash('sha256').update(buf).digest('base64url').slice(0, 22),
    encoded: new Map(),
  };
}

export interface AssetSet {
  /** Hash of every file together: the path segment that versions the URLs. */
  version: string;
  files: Map<string, Asset>;
  /** `/playground-assets/<version>/<name>` */
  url(name: string): string;
}

let loaded: AssetSet | undefined;

/** Reads the files once per process. */
export function playgroundAssets(): AssetSet {
  if (loaded) return loaded;
  const react = path.join(pkgDir('graphql-playground-react'), 'build');
  const files = new Map<string, Asset>([
    [
      'middleware.js',
      asset(
        withoutSourceMap(fs.readFileSync(path.join(react, 'static/js/middleware.js'), 'utf8')),
        'application/javascript; charset=utf-8',
      ),
    ],
    [
      'index.css',
      asset(
        withoutSourceMap(fs.readFileSync(path.join(react, 'static/css/index.css'), 'utf8')),
        'text/css; charset=utf-8',
      ),
    ],
    ['favicon.png', asset(fs.readFileSync(path.join(react, 'favicon.png')), 'image/png', false)],
    ['init.js', asset(INIT_JS, 'application/javascript; charset=utf-8')],
    ['page.css', asset(PAGE_CSS, 'text/css; charset=utf-8')],
    ['fonts.css', asset(fontsCss(), 'text/css; charset=utf-8')],
    ...FONTS.map((f): [string, Asset] => [
      `fonts/${f.file}`,
      asset(fs.readFileSync(path.join(pkgDir(f.pkg), 'files', f.file)), 'font/woff2', false),
    ]),
  ]);
  const version = createHash('sha256')
    .update([...files].map(([name, a]) => `${name}:${a.hash}`).join('\n'))
    .digest('hex')
    .slice(0, 12);
  loaded = { version, files, url: (name) => `${ASSETS_PATH}/${version}/${name}` };
  return loaded;
}

function encode(a: Asset, encoding: 'br' | 'gzip'): Promise<Buffer> {
  let p = a.encoded.get(encoding);
  if (!p) {
    p =
      encoding === 'br'
        ? brotli(a.body, {
            params: {
              [zlib.constants.BROTLI_PARAM_QUALITY]: 9,
              [zlib.constants.BROTLI_PARAM_SIZE_HINT]: a.body.length,
            },
          })
        : gzip(a.body, { level: 9 });
    a.encoded.set(encoding, p);
    // A failure is not cached: the next request tries again.
    p.catch(() => a.encoded.delete(encoding));
  }
  return p;
}

/** Mounted at ASSETS_PATH. Unknown names and stale versions answer 404. */
export function assetsRouter(): express.Router {
  const router = express.Router();
  router.get('/:version/*name', async (req, res, next) => {
    try {
      const set = playgroundAssets();
      const name = ([] as string[]).concat(req.params.name as string | string[]).join('/');
      const a = req.params.version === set.version ? set.files.get(name) : undefined;
      if (!a) {
        res.status(404).type('text/plain').send('Not found');
        return;
      }
      res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
      res.setHeader('Content-Type', a.type);
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
      let body = a.body;
      let etag = a.hash;
      if (a.compressible) {
        res.setHeader('Vary', 'Accept-Encoding');
        const encoding = req.acceptsEncodings('br', 'gzip', 'identity');
        if (encoding === 'br' || encoding === 'gzip') {
          body = await encode(a, encoding);
          etag = `${a.hash}-${encoding}`;
          res.setHeader('Content-Encoding', encoding);
        }
      }
      // Express answers 304 for a matching If-None-Match, and HEAD without a body.
      res.setHeader('ETag', `"${etag}"`);
      res.send(body);
    } catch (e) {
      next(e);
    }
  });
  return router;
}
