import http from 'node:http';
import zlib from 'node:zlib';
import { startTestHub, ok, errorOf, type TestHub } from './helpers/hub';
import { loadDemoUnits } from './helpers/fixtures';
import { createTokenVerifier } from '../src/auth/tokens';
import { loadConfig } from '../src/config';
import { DEMO_USERS } from '../src/db/seeders/DemoSeeder';
import { PLAYGROUND_TABS } from '../src/graphql/playground/tabs';
import { renderPlaygroundPage, TOKEN_PLACEHOLDER } from '../src/graphql/playground/page';

// The page and its files over plain HTTP; the page in a browser: test/playground.browser.test.ts.

/** What a browser sends when a person opens the address. */
const BROWSER_ACCEPT =
  'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';

interface Raw {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}
/** A plain HTTP GET that neither adds Accept-Encoding nor decompresses (unlike fetch). */
function rawGet(url: string, headers: Record<string, string> = {}): Promise<Raw> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }),
        );
      })
      .on('error', reject);
  });
}
function decode(r: Raw): Buffer {
  const enc = r.headers['content-encoding'];
  if (enc === 'br') return zlib.brotliDecompressSync(r.body);
  if (enc === 'gzip') return zlib.gunzipSync(r.body);
  return r.body;
}

function configOf(html: string) {
  const m = /<script type="application\/json" id="playground-config">([\s\S]*?)<\/script>/.exec(html);
  if (!m) throw new Error('no Playground configuration in the page');
  return JSON.parse(m[1]) as {
    endpoint: string;
    settings: Record<string, unknown>;
    tabs: { name: string; query: string; variables?: string; headers: Record<string, string> }[];
  };
}

let t: TestHub;
let origin: string;
beforeAll(async () => {
  t = await startTestHub();
  await loadDemoUnits(t);
  origin = new URL(t.url).origin;
});
afterAll(() => t?.close());

const openPage = async () => {
  const r = await rawGet(t.url, { accept: BROWSER_ACCEPT, 'accept-encoding': 'gzip' });
  return { ...r, html: decode(r).toString('utf8') };
};

describe('the Playground page', () => {
  it('is served to a browser at GET /graphql, loading everything from this hub', async () => {
    const r = await openPage();
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(r.headers['content-encoding']).toBe('gzip');
    expect(r.headers['cache-control']).toBe('no-store');
    const csp = String(r.headers['content-security-policy']);
    for (const d of ["default-src 'none'", "script-src 'self'", "connect-src 'self'", "font-src 'self'"])
      expect(csp).toContain(d);
    const urls = [...r.html.matchAll(/\s(?:src|href)="([^"]*)"/g)].map((m) => m[1]);
    expect(urls.length).toBe(6);
    for (const u of urls) expect(u).toMatch(/^\/playground-assets\/[0-9a-f]{12}\/[a-z]+\.(js|css|png)$/);
    expect(r.html).not.toMatch(/https?:|\/\/[a-z0-9-]+\.[a-z]/i);
  });

  it('sets same-origin credentials, the light theme, no polling, and one tab per example with its demo token', async () => {
    const config = configOf((await openPage()).html);
    expect(config.settings).toMatchObject({
      'request.credentials': 'same-origin',
      'editor.theme': 'light',
      'schema.polling.enable': false,
    });
    expect(config.tabs.map((tab) => tab.name)).toEqual(PLAYGROUND_TABS.map((tab) => tab.name));
    expect(new Set(PLAYGROUND_TABS.map((tab) => tab.role))).toEqual(new Set(DEMO_USERS.map((u) => u.role)));
    const verify = createTokenVerifier(t.config);
    for (const [i, tab] of config.tabs.entries()) {
      expect(tab.query).toBe(PLAYGROUND_TABS[i].query);
      const claims = await verify(tab.headers.Authorization.replace(/^Bearer /, ''));
      expect(claims.role).toBe(PLAYGROUND_TABS[i].role);
      expect(claims.unitCode).toBe(DEMO_USERS.find((u) => u.role === claims.role)!.unit);
    }
  });

  it('has tabs whose operations run for their role without an error', async () => {
    const config = configOf((await openPage()).html);
    for (const tab of config.tabs) {
      const token = tab.headers.Authorization.replace(/^Bearer /, '');
      const r = await t.gql(tab.query, tab.variables ? JSON.parse(tab.variables) : {}, token);
      expect({ tab: tab.name, errors: r.errors }).toEqual({ tab: tab.name, errors: undefined });
    }
  });

  it('never carries a token in production', async () => {
    const prod = loadConfig({
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://hub@db:5432/hub',
      AUTH_JWKS_URL: 'https://idp.example.gov.cn/.well-known/jwks.json',
      AUTH_ISSUER: 'https://idp.example.gov.cn',
      AUTH_AUDIENCE: 'petition-hub',
      PERSONAL_DATA_KEYS: 'k1:' + Buffer.alloc(32, 7).toString('base64'),
      BLIND_INDEX_KEY: Buffer.alloc(32, 9).toString('base64'),
    });
    const html = await renderPlaygroundPage(prod);
    const config = configOf(html);
    expect(config.tabs.length).toBe(PLAYGROUND_TABS.length);
    for (const tab of config.tabs) expect(tab.headers).toEqual({ Authorization: TOKEN_PLACEHOLDER });
    expect(html).not.toMatch(/eyJ[\w-]+\.eyJ/);
  });

  it('leaves every other request to /graphql to Apollo, as before', async () => {
    // A GraphQL client's GET: no page; without a preflight header Apollo's CSRF prevention refuses it.
    const noQuery = await rawGet(t.url, { accept: 'application/json' });
    expect(noQuery.status).toBe(400);
    expect(noQuery.headers['content-type']).toMatch(/json/);
    const anyType = await rawGet(t.url, { accept: '*/*' });
    expect(anyType.headers['content-type']).not.toMatch(/html/);
    const q = `${t.url}?query=${encodeURIComponent('{ me { role } }')}`;
    const csrf = await rawGet(q, { accept: 'application/json' });
    expect(csrf.status).toBe(400);
    expect(csrf.body.toString()).toMatch(/Cross-Site Request Forgery/);
    const token = await t.token('SUPERVISOR', 'ZJ');
    const get = await rawGet(q, {
      accept: 'application/json',
      'apollo-require-preflight': 'true',
      authorization: `Bearer ${token}`,
    });
    expect(get.status).toBe(200);
    expect(JSON.parse(get.body.toString())).toEqual({ data: { me: { role: 'SUPERVISOR' } } });
    // POST as before, including the liveness probe without a token.
    expect(await t.gql('{ __typename }')).toEqual({ status: 200, data: { __typename: 'Query' } });
    expect(ok(await t.gql('{ me { role } }', {}, token)).me.role).toBe('SUPERVISOR');
    expect(errorOf(await t.gql('{ me { role } }')).code).toBe('UNAUTHENTICATED');
  });

  it('can be switched off (GRAPHQL_PLAYGROUND=false)', async () => {
    const off = await startTestHub({ GRAPHQL_PLAYGROUND: 'false' }, { databaseUrl: t.databaseUrl });
    try {
      const r = await rawGet(off.url, { accept: BROWSER_ACCEPT });
      expect(r.headers['content-type']).not.toMatch(/html/);
      expect((await rawGet(`${new URL(off.url).origin}/playground-assets/x/init.js`)).status).toBe(404);
    } finally {
      await off.close();
    }
  });
});

describe('the Playground files', () => {
  const assetUrls = async () => {
    const { html } = await openPage();
    const page = [...html.matchAll(/\s(?:src|href)="([^"]*)"/g)].map((m) => m[1]);
    const fontsCss = page.find((u) => u.endsWith('/fonts.css'))!;
    const css = decode(await rawGet(origin + fontsCss, { 'accept-encoding': 'gzip' })).toString();
    const fonts = [...css.matchAll(/url\(([^)]+)\)/g)].map((m) => new URL(m[1], origin + fontsCss).pathname);
    expect(fonts.length).toBe(6);
    return [...page, ...fonts];
  };

  it('are cached for a year under a content-hashed URL, with ETags, and compressed', async () => {
    for (const u of await assetUrls()) {
      const plain = await rawGet(origin + u);
      expect({ u, status: plain.status }).toEqual({ u, status: 200 });
      expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(plain.headers['content-encoding']).toBeUndefined();
      const etag = String(plain.headers.etag);
      expect(etag).toMatch(/^"[\w-]+"$/);
      expect((await rawGet(origin + u, { 'if-none-match': etag })).status).toBe(304);
      if (/\.(js|css)$/.test(u)) {
        for (const encoding of ['br', 'gzip']) {
          const r = await rawGet(origin + u, { 'accept-encoding': encoding });
          expect(r.headers['content-encoding']).toBe(encoding);
          expect(r.headers.vary).toMatch(/Accept-Encoding/);
          expect(r.headers.etag).not.toBe(etag);
          expect(decode(r).equals(plain.body)).toBe(true);
          expect(r.body.length).toBeLessThan(plain.body.length);
          expect(
            (
              await rawGet(origin + u, {
                'accept-encoding': encoding,
                'if-none-match': String(r.headers.etag),
              })
            ).status,
          ).toBe(304);
        }
      }
    }
    const js = (await assetUrls()).find((u) => u.endsWith('/middleware.js'))!;
    expect((await rawGet(origin + js.replace(/\/[0-9a-f]{12}\//, '/000000000000/'))).status).toBe(404);
    expect((await rawGet(origin + js.replace('middleware.js', 'nope.js'))).status).toBe(404);
  });

  it('hold no address elsewhere that a browser would load', async () => {
    const hosts = new Set<string>();
    for (const u of await assetUrls()) {
      const body = decode(await rawGet(origin + u, { 'accept-encoding': 'gzip' }));
      if (u.endsWith('.css')) {
        const css = body.toString();
        expect(css).not.toMatch(/@import/);
        for (const m of css.matchAll(/url\(([^)]*)\)/g)) expect(m[1]).not.toMatch(/^['"]?(https?:)?\/\//);
      }
      if (u.endsWith('.js')) {
        const js = body.toString();
        expect(js).not.toMatch(/sourceMappingURL/);
        for (const m of js.matchAll(/(?:https?:)?\/\/([a-z0-9-]+(?:\.[a-z0-9-]+)+)[/"'`]/gi))
          hosts.add(m[1].toLowerCase());
      }
    }
    for (const cdn of [
      'fonts.googleapis.com',
      'fonts.gstatic.com',
      'cdn.jsdelivr.net',
      'unpkg.com',
      'cdnjs.cloudflare.com',
    ])
      expect(hosts).not.toContain(cdn);
    // What remains are links in messages and licence comments, XML namespaces, the Share button's
    // service (graphqlbin; Share is off) and graph.cool's subscription host (used only for endpoints
    // on graph.cool); the page's CSP allows connections to 'self' only in any case.
    const known = new Set([
      'www.w3.org',
      'www.apache.org',
      'redux.js.org',
      'reactjs.org',
      'prettier.io',
      'fb.me',
      'feross.org',
      'openjsf.org',
      'npms.io',
      'mths.be',
      'lodash.com',
      'graphqlbin.com',
      'api.graphqlbin.com',
      'github.com',
      'en.wikipedia.org',
      'commonmark.org',
      'underscorejs.org',
      'jqueryui.com',
      'jquery.org',
      'api.jqueryui.com',
      'subscriptions.graph.cool',
    ]);
    expect([...hosts].filter((h) => !known.has(h))).toEqual([]);
  });
});
