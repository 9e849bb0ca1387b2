import type { Config } from '../../config';
import { signDevToken } from '../../auth/tokens';
import { DEMO_USERS } from '../../db/seeders/DemoSeeder';
import { playgroundAssets } from './assets';
import { PLAYGROUND_TABS, type PlaygroundTab } from './tabs';

/** What the Playground page is told; see GraphQLPlayground.init in graphql-playground-react. */
export const PLAYGROUND_SETTINGS = {
  'editor.theme': 'light',
  'editor.cursorShape': 'line',
  'editor.fontFamily': "'Source Code Pro', Consolas, Menlo, monospace",
  'editor.fontSize': 14,
  'editor.reuseHeaders': true,
  'general.betaUpdates': false,
  'prettier.printWidth': 100,
  'prettier.tabWidth': 2,
  'prettier.useTabs': false,
  // Tokens go in the Authorization header; cookies are never needed, and never sent elsewhere.
  'request.credentials': 'same-origin',
  'request.globalHeaders': {},
  'schema.disableComments': false,
  'schema.polling.enable': false,
  'schema.polling.endpointFilter': '',
  'schema.polling.interval': 60000,
  'tracing.hideTracingResponse': true,
  'tracing.tracingSupported': false,
} as const;

/** Placeholder for production, where every user brings a token from the identity provider. */
export const TOKEN_PLACEHOLDER = 'Bearer PASTE-YOUR-ACCESS-TOKEN-HERE';

export interface RenderedTab {
  name: string;
  query: string;
  variables?: string;
  headers: Record<string, string>;
  endpoint: string;
}

/**
 * The tabs with their headers: in development a fresh demo token of the tab's role (signed now,
 * valid for 12 hours), in production a placeholder. Never a token in production: there is no dev
 * secret there, and this function does not even try.
 */
export async function renderTabs(
  config: Config,
  endpoint: string,
  tabs: PlaygroundTab[] = PLAYGROUND_TABS,
): Promise<RenderedTab[]> {
  const tokens = new Map<string, string>();
  const tokenFor = async (tab: PlaygroundTab): Promise<string> => {
    if (config.env === 'production' || !config.auth.devSecret) return TOKEN_PLACEHOLDER;
    let t = tokens.get(tab.role);
    if (!t) {
      const user = DEMO_USERS.find((u) => u.role === tab.role);
      if (!user) return TOKEN_PLACEHOLDER;
      t = `Bearer ${await signDevToken(config, { role: tab.role, unitCode: user.unit, name: user.who })}`;
      tokens.set(tab.role, t);
    }
    return t;
  };
  return Promise.all(
    tabs.map(async (tab) => ({
      name: tab.name,
      query: tab.query,
      ...(tab.variables ? { variables: JSON.stringify(tab.variables, null, 2) } : {}),
      headers: { Authorization: await tokenFor(tab) },
      endpoint,
    })),
  );
}

/** JSON that is safe inside a <script> element: no `<`, so no `</script>` or `<!--`. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/**
 * The page at GET /graphql for a browser. Everything it loads is on this hub (see assets.ts);
 * its only inline script is JSON data, so the Content-Security-Policy allows scripts from 'self'
 * only and no connection anywhere else.
 */
export async function renderPlaygroundPage(config: Config, endpoint = '/graphql'): Promise<string> {
  const assets = playgroundAssets();
  const tabs = await renderTabs(config, endpoint);
  const options = {
    endpoint,
    settings: PLAYGROUND_SETTINGS,
    tabs,
    shareEnabled: false,
    fixedEndpoint: true,
    setTitle: false,
    workspaceName: 'petition-hub',
  };
  return `<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>GraphQL Playground · 信访终结后续管理信息共享平台</title>
<link rel="icon" type="image/png" href="${assets.url('favicon.png')}">
<link rel="stylesheet" href="${assets.url('fonts.css')}">
<link rel="stylesheet" href="${assets.url('index.css')}">
<link rel="stylesheet" href="${assets.url('page.css')}">
<script defer src="${assets.url('middleware.js')}"></script>
<script defer src="${assets.url('init.js')}"></script>
</head>
<body>
<div id="loading-wrapper">正在加载 GraphQL Playground…</div>
<div id="root"></div>
<script type="application/json" id="playground-config">${scriptJson(options)}</script>
</body>
</html>
`;
}

/** Sent with the page: scripts, styles, fonts and connections from this origin only. */
export const PLAYGROUND_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  // styled-components injects <style> elements at run time.
  "style-src 'self' 'unsafe-inline'",
  "font-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
