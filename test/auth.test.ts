import { SignJWT } from 'jose';
import { startTestHub, ok, errorOf, type TestHub } from './helpers/hub';
import { loadDemoUnits } from './helpers/fixtures';

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
  await loadDemoUnits(t);
});
afterAll(() => t.close());

const ME = '{ me { userId name role unit { code name kind } } }';
const secret = () => new TextEncoder().encode(t.config.auth.devSecret!);

describe('bearer tokens', () => {
  it('accepts a development token and answers me', async () => {
    const token = await t.token('CASE_OFFICER', 'ZJ-HZ-ZJ', '王经办');
    const data = ok(await t.gql(ME, {}, token));
    expect(data.me).toEqual({
      userId: 'dev:case_officer:ZJ-HZ-ZJ',
      name: '王经办',
      role: 'CASE_OFFICER',
      unit: { code: 'ZJ-HZ-ZJ', name: '杭州市住房和城乡建设局', kind: 'DEPARTMENT' },
    });
  });

  it('refuses a request with no token, and answers nothing else', async () => {
    const r = await t.gql(ME);
    expect(r.status).toBe(401);
    expect(r.data).toBeUndefined();
    expect(errorOf(r).code).toBe('UNAUTHENTICATED');
    expect(errorOf(r).message).toContain('缺少访问令牌');
  });

  it('refuses a forged token (signed with another secret)', async () => {
    const forged = await new SignJWT({ role: 'ADMIN', unit: 'ZJ', name: 'x' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('evil')
      .setIssuer(t.config.auth.issuer)
      .setAudience(t.config.auth.audience)
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('another-secret-another-secret-another-secret'));
    const r = await t.gql(ME, {}, forged);
    expect(r.status).toBe(401);
    expect(errorOf(r).code).toBe('UNAUTHENTICATED');
  });

  it('refuses an expired token', async () => {
    const expired = await new SignJWT({ role: 'ADMIN', unit: 'ZJ', name: 'x' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('u1')
      .setIssuer(t.config.auth.issuer)
      .setAudience(t.config.auth.audience)
      .setIssuedAt(Math.floor(Date.now() / 1000) - 7200)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 3600)
      .sign(secret());
    const r = await t.gql(ME, {}, expired);
    expect(errorOf(r).code).toBe('UNAUTHENTICATED');
    expect(errorOf(r).message).toContain('过期');
  });

  it('refuses an unknown role', async () => {
    const bad = await new SignJWT({ role: 'SUPERUSER', unit: 'ZJ', name: 'x' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('u1')
      .setIssuer(t.config.auth.issuer)
      .setAudience(t.config.auth.audience)
      .setExpirationTime('1h')
      .sign(secret());
    const r = await t.gql(ME, {}, bad);
    expect(errorOf(r).code).toBe('UNAUTHENTICATED');
    expect(errorOf(r).message).toContain('角色');
  });

  it('refuses an unknown unit', async () => {
    const r = await t.gql(ME, {}, await t.token('CASE_OFFICER', 'NO-SUCH-UNIT'));
    expect(errorOf(r).code).toBe('UNAUTHENTICATED');
    expect(errorOf(r).message).toContain('单位不存在');
  });

  it('refuses a token for another audience', async () => {
    const other = await new SignJWT({ role: 'ADMIN', unit: 'ZJ', name: 'x' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('u1')
      .setIssuer(t.config.auth.issuer)
      .setAudience('some-other-system')
      .setExpirationTime('1h')
      .sign(secret());
    expect(errorOf(await t.gql(ME, {}, other)).code).toBe('UNAUTHENTICATED');
  });
});

describe('liveness probe', () => {
  it('answers `{ __typename }` without a token, and nothing more', async () => {
    const r = await t.gql('{ __typename }');
    expect(r).toEqual({ status: 200, data: { __typename: 'Query' } });
    for (const q of [
      '{ __typename me { name } }',
      '{ __schema { types { name } } }',
      'mutation { __typename }',
      '{ ... on Query { __typename } }',
    ]) {
      const denied = await t.gql(q);
      expect(denied.status).toBe(401);
      expect(errorOf(denied).code).toBe('UNAUTHENTICATED');
    }
  });
});
