import { SignJWT, createLocalJWKSet, exportJWK, generateKeyPair, type JWTVerifyGetKey } from 'jose';
import { startTestHub, ok, errorOf, type TestHub } from './helpers/hub';
import { loadDemoUnits } from './helpers/fixtures';
import { createTokenVerifier, signDevToken } from '../src/auth/tokens';

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
      .setIssuedAt()
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
      .setIssuedAt()
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
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(secret());
    expect(errorOf(await t.gql(ME, {}, other)).code).toBe('UNAUTHENTICATED');
  });
});

describe('token lifetime (AUTH_MAX_TOKEN_LIFETIME, AUTH_CLOCK_TOLERANCE)', () => {
  const nowS = () => Math.floor(Date.now() / 1000);
  /** A correctly signed ADMIN token of ZJ with the given time claims (undefined: left out). */
  const signed = (
    times: { iat?: number; exp?: number; nbf?: number },
    claims: Record<string, unknown> = {},
  ) => {
    const jwt = new SignJWT({ role: 'ADMIN', unit: 'ZJ', name: 'x', ...claims })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('u1')
      .setIssuer(t.config.auth.issuer)
      .setAudience(t.config.auth.audience);
    if (times.iat !== undefined) jwt.setIssuedAt(times.iat);
    if (times.exp !== undefined) jwt.setExpirationTime(times.exp);
    if (times.nbf !== undefined) jwt.setNotBefore(times.nbf);
    return jwt.sign(secret());
  };
  const refusal = async (token: string) => {
    const r = await t.gql(ME, {}, token);
    expect(r.status).toBe(401);
    return errorOf(r);
  };

  it('defaults to 12 hours with 60 s of clock tolerance', () => {
    expect(t.config.auth.maxTokenLifetimeSeconds).toBe(12 * 3600);
    expect(t.config.auth.clockToleranceSeconds).toBe(60);
  });

  it('accepts a token within the lifetime, iat a little ahead within the tolerance', async () => {
    ok(await t.gql(ME, {}, await signed({ iat: nowS(), exp: nowS() + 3600 })));
    ok(await t.gql(ME, {}, await signed({ iat: nowS() + 30, exp: nowS() + 3600, nbf: nowS() + 30 })));
    ok(await t.gql(ME, {}, await signed({ iat: nowS() - 60, exp: nowS() + 12 * 3600 - 60 })));
  });

  it('refuses a token without exp', async () => {
    const e = await refusal(await signed({ iat: nowS() }));
    expect(e.code).toBe('UNAUTHENTICATED');
    expect(e.message).toContain('缺少 exp');
  });

  it('refuses a token without iat', async () => {
    const e = await refusal(await signed({ exp: nowS() + 3600 }));
    expect(e.message).toContain('缺少 iat');
  });

  it('refuses a token whose exp lies beyond the maximum lifetime (exp in 2100)', async () => {
    const e = await refusal(await signed({ iat: nowS(), exp: Date.UTC(2100, 0, 1) / 1000 }));
    expect(e.message).toContain('有效期超过上限');
    const e2 = await refusal(await signed({ iat: nowS(), exp: nowS() + 12 * 3600 + 61 }));
    expect(e2.message).toContain('AUTH_MAX_TOKEN_LIFETIME');
  });

  it('refuses a token issued longer ago than the maximum lifetime', async () => {
    const e = await refusal(await signed({ iat: nowS() - 13 * 3600, exp: nowS() + 60 }));
    expect(e.message).toContain('过期');
  });

  it('refuses iat or nbf in the future beyond the tolerance', async () => {
    const e = await refusal(await signed({ iat: nowS() + 3600, exp: nowS() + 7200 }));
    expect(e.message).toContain('iat 在将来');
    const e2 = await refusal(await signed({ iat: nowS(), nbf: nowS() + 600, exp: nowS() + 3600 }));
    expect(e2.message).toContain('nbf 在将来');
  });

  it('applies a configured lifetime, and development tokens are issued within it', async () => {
    const short = await startTestHub({ AUTH_MAX_TOKEN_LIFETIME: '30m' }, { databaseUrl: t.databaseUrl });
    try {
      const dev = await short.token('ADMIN', 'ZJ');
      const [, body] = dev.split('.');
      const claims = JSON.parse(Buffer.from(body, 'base64url').toString());
      expect(claims.exp - claims.iat).toBe(1800);
      ok(await short.gql(ME, {}, dev));
      const hour = await signed({ iat: nowS(), exp: nowS() + 3600 });
      expect(errorOf(await short.gql(ME, {}, hour)).message).toContain('有效期超过上限');
      await expect(signDevToken(short.config, { role: 'ADMIN', unitCode: 'ZJ' }, '1h')).rejects.toThrow(
        /AUTH_MAX_TOKEN_LIFETIME/,
      );
    } finally {
      await short.close();
    }
  });

  it('answers 401, not 500, for a signed token whose unit holds a NUL, on every route', async () => {
    const nul = await signed({ iat: nowS(), exp: nowS() + 3600 }, { unit: 'ZJ\u0000' });
    const e = await refusal(nul);
    expect(e.message).toContain('单位代码无效');
    const base = t.url.replace(/\/graphql$/, '');
    for (const route of ['/files/1', '/reports/followup.csv']) {
      const res = await fetch(base + route, { headers: { authorization: `Bearer ${nul}` } });
      expect({ route, status: res.status }).toEqual({ route, status: 401 });
      expect(((await res.json()) as any).error.code).toBe('UNAUTHENTICATED');
    }
    const subNul = await signed({ iat: nowS(), exp: nowS() + 3600 }, { name: 'a\u0000b' });
    expect((await refusal(subNul)).message).toContain('姓名无效');
  });
});

describe('verified tokens kept until their exp (AUTH_VERIFIED_TOKEN_CACHE)', () => {
  const nowS = () => Math.floor(Date.now() / 1000);
  /** An ES256 key pair and its public JWK under `kid`. */
  const keyPair = async (kid: string) => {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    return { privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' } };
  };
  const signedBy = (k: Awaited<ReturnType<typeof keyPair>>, exp: number) =>
    new SignJWT({ role: 'DEPARTMENT_STAFF', unit: 'ZJ', name: '吴科员' })
      .setProtectedHeader({ alg: 'ES256', kid: k.jwk.kid })
      .setSubject('u-cache')
      .setIssuer(t.config.auth.issuer)
      .setAudience(t.config.auth.audience)
      .setIssuedAt(nowS())
      .setExpirationTime(exp)
      .sign(k.privateKey);
  /** A verifier on a key set the test replaces, as a reloaded JWKS would be; no clock tolerance. */
  const verifierOn = (keys: () => JWTVerifyGetKey, over: Record<string, unknown> = {}) =>
    createTokenVerifier(
      { ...t.config, auth: { ...t.config.auth, clockToleranceSeconds: 0, ...over } },
      { keySet: (h, tok) => keys()(h, tok) },
    );

  it('checks a token’s signature once, then answers its next requests from the cache', async () => {
    const a = await keyPair('a');
    const set = createLocalJWKSet({ keys: [a.jwk] });
    const verify = verifierOn(() => set);
    const token = await signedBy(a, nowS() + 3600);
    for (let i = 0; i < 5; i++) expect((await verify(token)).userId).toBe('u-cache');
    expect(verify.stats).toEqual({ verified: 1, cached: 4 });
    // a refused token is never kept
    await expect(verify(token.slice(0, -4) + 'AAAA')).rejects.toThrow(/未认证/);
    await expect(verify(token.slice(0, -4) + 'AAAA')).rejects.toThrow(/未认证/);
    expect(verify.stats.verified).toBe(3);
    // off: every request checks the signature
    const off = verifierOn(() => set, { verifiedTokenCacheSize: 0 });
    await off(token);
    await off(token);
    expect(off.stats).toEqual({ verified: 2, cached: 0 });
  });

  it('never answers past the token’s exp', async () => {
    const a = await keyPair('a');
    const set = createLocalJWKSet({ keys: [a.jwk] });
    const verify = verifierOn(() => set);
    const token = await signedBy(a, nowS() + 2);
    await verify(token);
    await verify(token);
    expect(verify.stats.cached).toBe(1);
    await new Promise((r) => setTimeout(r, (nowS() + 2) * 1000 - Date.now() + 1100));
    await expect(verify(token)).rejects.toThrow(/过期/);
  });

  it('a key removed from the key set, or replaced under the same kid, refuses the tokens it signed', async () => {
    const a = await keyPair('a');
    const b = await keyPair('b');
    const a2 = await keyPair('a');
    let set = createLocalJWKSet({ keys: [a.jwk, b.jwk] });
    const verify = verifierOn(() => set);
    const tokenA = await signedBy(a, nowS() + 3600);
    const tokenB = await signedBy(b, nowS() + 3600);
    await verify(tokenA);
    await verify(tokenB);
    // rotation: a is retired
    set = createLocalJWKSet({ keys: [b.jwk] });
    await expect(verify(tokenA)).rejects.toThrow(/未认证/);
    // b stays trusted (its key is imported afresh by the new set: verified again, then kept)
    expect((await verify(tokenB)).userId).toBe('u-cache');
    // a new key under the old kid: the old token's signature no longer verifies
    set = createLocalJWKSet({ keys: [a2.jwk, b.jwk] });
    await expect(verify(tokenA)).rejects.toThrow(/未认证/);
    const before = verify.stats.cached;
    await verify(tokenB);
    await verify(tokenB);
    expect(verify.stats.cached).toBe(before + 1);
  });

  it('keeps at most the configured number of tokens, the oldest leaving first', async () => {
    const a = await keyPair('a');
    const set = createLocalJWKSet({ keys: [a.jwk] });
    const verify = verifierOn(() => set, { verifiedTokenCacheSize: 2 });
    const tokens = await Promise.all([1, 2, 3].map((i) => signedBy(a, nowS() + 3600 + i)));
    for (const tok of tokens) await verify(tok);
    await verify(tokens[2]);
    await verify(tokens[1]);
    expect(verify.stats).toEqual({ verified: 3, cached: 2 });
    await verify(tokens[0]);
    expect(verify.stats.verified).toBe(4);
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
