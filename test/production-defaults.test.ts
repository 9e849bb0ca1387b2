import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { startTestHub, ok, errorOf, type TestHub } from './helpers/hub';
import { loadDemoUnits } from './helpers/fixtures';

/**
 * A hub configured as production (identity-provider key set, own keys, NODE_ENV=production):
 * introspection and the Playground are off unless configured, over real HTTP.
 */
const ISSUER = 'https://idp.example.gov.cn';
let dir: string;
let sign: (claims: Record<string, unknown>) => Promise<string>;
let prodEnv: Record<string, string>;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-prod-'));
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
  fs.writeFileSync(path.join(dir, 'jwks.json'), JSON.stringify({ keys: [jwk] }));
  sign = (claims) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setSubject('idp:supervisor-1')
      .setIssuer(ISSUER)
      .setAudience('petition-hub')
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(privateKey);
  prodEnv = {
    NODE_ENV: 'production',
    AUTH_JWKS_FILE: path.join(dir, 'jwks.json'),
    AUTH_ISSUER: ISSUER,
    AUTH_AUDIENCE: 'petition-hub',
    PERSONAL_DATA_KEYS: 'k1:' + Buffer.alloc(32, 7).toString('base64'),
    BLIND_INDEX_KEY: Buffer.alloc(32, 9).toString('base64'),
    LOG_LEVEL: 'silent',
  };
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function withHub(env: Record<string, string>, run: (t: TestHub, token: string) => Promise<void>) {
  const t = await startTestHub({ ...prodEnv, ...env });
  try {
    await loadDemoUnits(t);
    await run(t, await sign({ role: 'SUPERVISOR', unit: 'ZJ', name: '监督员' }));
  } finally {
    await t.close();
  }
}
const page = (t: TestHub) => fetch(t.url, { headers: { accept: 'text/html' } });

it('turns introspection and the Playground off in production by default', async () => {
  await withHub({}, async (t, token) => {
    expect(ok(await t.gql('{ me { role } }', {}, token)).me.role).toBe('SUPERVISOR');
    const r = await t.gql('{ __schema { queryType { name } } }', {}, token);
    expect(errorOf(r).code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(errorOf(r).message).toMatch(/introspection/i);
    const res = await page(t);
    expect(res.headers.get('content-type') ?? '').not.toContain('text/html');
  });
});

it('turns them on in production when configured', async () => {
  await withHub({ GRAPHQL_INTROSPECTION: 'true', GRAPHQL_PLAYGROUND: 'true' }, async (t, token) => {
    expect(ok(await t.gql('{ __schema { queryType { name } } }', {}, token)).__schema.queryType.name).toBe(
      'Query',
    );
    const res = await page(t);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
  });
});
