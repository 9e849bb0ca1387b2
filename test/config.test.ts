import { ConfigError, DEV_DEFAULTS, loadConfig } from '../src/config';

const prodBase = {
  NODE_ENV: 'production',
  DATABASE_URL: 'postgres://hub@db:5432/hub',
  AUTH_JWKS_URL: 'https://idp.example.gov.cn/.well-known/jwks.json',
  AUTH_ISSUER: 'https://idp.example.gov.cn',
  AUTH_AUDIENCE: 'petition-hub',
  PERSONAL_DATA_KEYS: 'k1:' + Buffer.alloc(32, 7).toString('base64'),
  BLIND_INDEX_KEY: Buffer.alloc(32, 9).toString('base64'),
};

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
}

describe('configuration', () => {
  it('starts in development with defaults only', () => {
    const c = loadConfig({});
    expect(c.env).toBe('development');
    expect(c.port).toBe(4000);
    expect(c.databaseUrl).toBeUndefined();
  });

  it('accepts a complete production configuration', () => {
    expect(problemsOf(prodBase)).toEqual([]);
  });

  it('refuses the development token secret in production', () => {
    const problems = problemsOf({ ...prodBase, AUTH_DEV_SECRET: DEV_DEFAULTS.authDevSecret });
    expect(problems.join('\n')).toMatch(/AUTH_DEV_SECRET/);
  });

  it('refuses the development data keys in production', () => {
    const problems = problemsOf({
      ...prodBase,
      PERSONAL_DATA_KEYS: DEV_DEFAULTS.personalDataKeys,
      BLIND_INDEX_KEY: DEV_DEFAULTS.blindIndexKey,
    });
    expect(problems.some((p) => p.startsWith('PERSONAL_DATA_KEYS'))).toBe(true);
    expect(problems.some((p) => p.startsWith('BLIND_INDEX_KEY'))).toBe(true);
  });

  it('requires the identity provider settings in production, naming each', () => {
    const { AUTH_JWKS_URL: _u, AUTH_ISSUER: _i, AUTH_AUDIENCE: _a, ...rest } = prodBase;
    const problems = problemsOf(rest);
    expect(problems.join('\n')).toMatch(/AUTH_JWKS_URL/);
    expect(problems.join('\n')).toMatch(/AUTH_ISSUER/);
    expect(problems.join('\n')).toMatch(/AUTH_AUDIENCE/);
  });

  it('names every malformed setting at once', () => {
    const problems = problemsOf({ PORT: 'eighty', NODE_ENV: 'staging', DATABASE_URL: 'mysql://x' });
    expect(problems.map((p) => p.split(' ')[0]).sort()).toEqual(['DATABASE_URL', 'NODE_ENV', 'PORT']);
  });

  it('checks the metrics token and the replica addresses', () => {
    expect(problemsOf({ METRICS_TOKEN: 'short' }).join('\n')).toMatch(/METRICS_TOKEN/);
    expect(problemsOf({ METRICS_TOKEN: 'has a space in it, 16+' }).join('\n')).toMatch(/METRICS_TOKEN/);
    expect(loadConfig({ METRICS_TOKEN: 'scraper-token-0123456789' }).metrics.token).toBe(
      'scraper-token-0123456789',
    );
    const db = { DATABASE_URL: 'postgres://hub@db:5432/hub' };
    expect(problemsOf({ ...db, DATABASE_REPLICA_URLS: 'postgres://r1/hub, mysql://r2' }).join('\n')).toMatch(
      /DATABASE_REPLICA_URLS 第 2 项/,
    );
    expect(problemsOf({ DATABASE_REPLICA_URLS: 'postgres://r1/hub' }).join('\n')).toMatch(/DATABASE_URL/);
    expect(
      loadConfig({ ...db, DATABASE_REPLICA_URLS: 'postgres://r1/hub, postgres://r2/hub' }).replicas,
    ).toEqual({ urls: ['postgres://r1/hub', 'postgres://r2/hub'], readYourWritesSeconds: 10 });
  });

  it('turns introspection and the Playground off in production unless configured', () => {
    const dev = loadConfig({});
    expect([dev.introspection, dev.playground]).toEqual([true, true]);
    const prod = loadConfig(prodBase);
    expect([prod.introspection, prod.playground]).toEqual([false, false]);
    const opened = loadConfig({ ...prodBase, GRAPHQL_INTROSPECTION: 'true', GRAPHQL_PLAYGROUND: 'true' });
    expect([opened.introspection, opened.playground]).toEqual([true, true]);
  });

  it('checks the token lifetime settings', () => {
    expect(loadConfig({ AUTH_MAX_TOKEN_LIFETIME: '30m' }).auth.maxTokenLifetimeSeconds).toBe(1800);
    expect(loadConfig({ AUTH_MAX_TOKEN_LIFETIME: '3600' }).auth.maxTokenLifetimeSeconds).toBe(3600);
    const problems = problemsOf({ AUTH_MAX_TOKEN_LIFETIME: 'forever', AUTH_CLOCK_TOLERANCE: '1h' });
    expect(problems.map((p) => p.split(' ')[0]).sort()).toEqual([
      'AUTH_CLOCK_TOLERANCE',
      'AUTH_MAX_TOKEN_LIFETIME',
    ]);
  });
});
