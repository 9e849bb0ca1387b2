import { createHash } from 'node:crypto';
import fs from 'node:fs';
import {
  SignJWT,
  jwtVerify,
  createRemoteJWKSet,
  createLocalJWKSet,
  decodeProtectedHeader,
  type JWTHeaderParameters,
  type JWTPayload,
  type JWTVerifyGetKey,
} from 'jose';
import type { Config } from '../config';
import { ROLES, type Role } from '../access/roles';
import { UnauthenticatedError } from '../errors';
import { parseDurationSeconds } from '../shared/duration';

/** What a verified token says about its bearer; the unit is resolved against the database later. */
export interface TokenClaims {
  userId: string;
  name: string;
  role: Role;
  unitCode: string;
}

/**
 * A development token, valid for `expiresIn` (`12h`, `30m`, seconds; default and maximum:
 * AUTH_MAX_TOKEN_LIFETIME), so that it passes the same lifetime rule as every other token.
 */
export async function signDevToken(
  config: Config,
  claims: { userId?: string; name?: string; role: Role; unitCode: string },
  expiresIn?: string,
): Promise<string> {
  if (!config.auth.devSecret) throw new Error('开发令牌密钥未配置（生产环境不签发开发令牌）');
  const max = config.auth.maxTokenLifetimeSeconds;
  const lifetime = expiresIn === undefined ? max : parseDurationSeconds(expiresIn);
  if (!(lifetime > 0 && lifetime <= max)) {
    throw new Error(`有效期须为 1 秒至 ${max} 秒（AUTH_MAX_TOKEN_LIFETIME），如 12h、30m`);
  }
  const iat = Math.floor(Date.now() / 1000);
  return new SignJWT({ name: claims.name ?? claims.role, role: claims.role, unit: claims.unitCode })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(claims.userId ?? `dev:${claims.role.toLowerCase()}:${claims.unitCode}`)
    .setIssuer(config.auth.issuer)
    .setAudience(config.auth.audience)
    .setIssuedAt(iat)
    .setExpirationTime(iat + lifetime)
    .sign(new TextEncoder().encode(config.auth.devSecret));
}

export type TokenVerifier = ((token: string) => Promise<TokenClaims>) & {
  /** Verifications answered from the cache of verified tokens, and those that checked a signature. */
  readonly stats: { cached: number; verified: number };
};

/**
 * `keySet`: the identity provider's keys; by default the JWKS of AUTH_JWKS_URL (fetched and
 * refreshed by jose) or AUTH_JWKS_FILE.
 */
export function createTokenVerifier(
  config: Config,
  { keySet }: { keySet?: JWTVerifyGetKey } = {},
): TokenVerifier {
  const devKey = config.auth.devSecret ? new TextEncoder().encode(config.auth.devSecret) : undefined;
  const jwks: JWTVerifyGetKey | undefined =
    keySet ??
    (config.auth.jwksUrl
      ? createRemoteJWKSet(new URL(config.auth.jwksUrl))
      : config.auth.jwksFile
        ? createLocalJWKSet(JSON.parse(fs.readFileSync(config.auth.jwksFile, 'utf8')))
        : undefined);
  const { maxTokenLifetimeSeconds: maxLifetime, clockToleranceSeconds: tolerance } = config.auth;
  // `exp` and `iat` required; jose refuses `iat`/`nbf` in the future and `exp` in the past (with
  // the tolerance) and, through maxTokenAge, a token issued longer ago than the maximum lifetime.
  const options = {
    issuer: config.auth.issuer,
    audience: config.auth.audience,
    requiredClaims: ['exp', 'iat'],
    clockTolerance: tolerance,
    maxTokenAge: maxLifetime,
  };

  /**
   * The key that verifies this token now (the dev key, or the key set's match for its header), or
   * null when none does: a cached verification counts only while the same key still verifies.
   */
  const keyFor = async (token: string): Promise<unknown> => {
    try {
      const header = decodeProtectedHeader(token) as JWTHeaderParameters;
      if (header.alg === 'HS256') return devKey ?? null;
      const [protectedHeader, payload, signature] = token.split('.');
      return jwks ? await jwks(header, { protected: protectedHeader, payload, signature }) : null;
    } catch {
      return null;
    }
  };
  // The dev key and a JWKS file are fixed for the process's life: a cached verification needs no
  // second look at them. A fetched key set (AUTH_JWKS_URL, reloaded by jose) or a given one can change.
  const keysCanChange = !!keySet || !!config.auth.jwksUrl;
  const verified = new VerifiedTokens(config.auth.verifiedTokenCacheSize);
  const stats = { cached: 0, verified: 0 };

  const verify = async (token: string): Promise<TokenClaims> => {
    const cached = verified.get(token);
    if (cached && (!keysCanChange || (await keyFor(token)) === cached.key)) {
      stats.cached++;
      return cached.claims;
    }
    stats.verified++;
    let payload: JWTPayload;
    let key: unknown;
    try {
      const { alg } = decodeProtectedHeader(token);
      if (alg === 'HS256') {
        // Symmetric tokens exist only in development; production has no dev key at all.
        if (!devKey) throw new Error('no dev key');
        ({ payload } = await jwtVerify(token, devKey, { ...options, algorithms: ['HS256'] }));
        key = devKey;
      } else {
        if (!jwks) throw new Error('no key set');
        ({ payload, key } = await jwtVerify(token, jwks, {
          ...options,
          algorithms: ['RS256', 'ES256', 'PS256', 'EdDSA'],
        }));
      }
    } catch (e) {
      throw new UnauthenticatedError(refusal(e as { code?: string; claim?: string; reason?: string }));
    }
    // A token whose end lies further than the maximum lifetime after its issue: refused whatever
    // its age, so that no identity provider mistake yields a token without an end.
    if ((payload.exp as number) - (payload.iat as number) > maxLifetime + tolerance) {
      throw new UnauthenticatedError(
        `未认证：访问令牌有效期超过上限 ${maxLifetime} 秒（AUTH_MAX_TOKEN_LIFETIME），请重新获取令牌`,
      );
    }
    const role = payload.role as Role;
    if (!ROLES.includes(role)) throw new UnauthenticatedError('未认证：令牌中的角色无效');
    if (typeof payload.unit !== 'string' || !payload.unit)
      throw new UnauthenticatedError('未认证：令牌中缺少单位代码');
    // Claims are looked up in PostgreSQL and shown back: control characters (NUL, which
    // PostgreSQL rejects) and absurd lengths make the token invalid, never an internal error.
    if (!CLAIM_RE.test(payload.unit) || payload.unit.length > 64)
      throw new UnauthenticatedError('未认证：令牌中的单位代码无效');
    if (!payload.sub) throw new UnauthenticatedError('未认证：令牌中缺少用户标识');
    if (!CLAIM_RE.test(payload.sub) || payload.sub.length > 200)
      throw new UnauthenticatedError('未认证：令牌中的用户标识无效');
    if (typeof payload.name === 'string' && (!CLAIM_RE.test(payload.name) || payload.name.length > 100))
      throw new UnauthenticatedError('未认证：令牌中的姓名无效');
    // Frozen: the cache hands this one object to every later request with the same token.
    const claims: TokenClaims = Object.freeze({
      userId: payload.sub,
      name: typeof payload.name === 'string' ? payload.name : payload.sub,
      role,
      unitCode: payload.unit,
    });
    // Until its exp, and never past the age jose would refuse it at (iat + maximum lifetime).
    const until = Math.min(payload.exp as number, (payload.iat as number) + maxLifetime) * 1000;
    verified.set(token, { claims, key, until });
    return claims;
  };
  return Object.assign(verify, { stats });
}

/**
 * Tokens this process has verified, so that a client's every request does not pay for a signature
 * check (an ES256 verify is a large part of a cheap page's CPU). Keyed by a SHA-256 of the token
 * (no token is kept), bounded (the oldest entry goes first), and an entry counts only before the
 * token's `exp` and while the key that verified it is still the one the key set gives for the
 * token: a key removed from the JWKS, or a key set reloaded, sends the token through full
 * verification again. Only tokens that passed every check are kept.
 */
class VerifiedTokens {
  private readonly entries = new Map<string, { claims: TokenClaims; key: unknown; until: number }>();
  constructor(private readonly max: number) {}

  private static id(token: string): string {
    return createHash('sha256').update(token).digest('base64url');
  }

  get(token: string): { claims: TokenClaims; key: unknown } | undefined {
    if (this.max <= 0) return undefined;
    const id = VerifiedTokens.id(token);
    const e = this.entries.get(id);
    if (!e) return undefined;
    if (Date.now() >= e.until) {
      this.entries.delete(id);
      return undefined;
    }
    return e;
  }

  set(token: string, entry: { claims: TokenClaims; key: unknown; until: number }): void {
    if (this.max <= 0 || entry.until <= Date.now()) return;
    const id = VerifiedTokens.id(token);
    this.entries.delete(id);
    while (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(id, entry);
  }
}

/** A claim used as text: printable, no control characters. */
const CLAIM_RE = /^[^\p{Cc}]*$/u;

/** The reason a token was refused, in the user's words. */
function refusal(e: { code?: string; claim?: string; reason?: string }): string {
  if (e.code === 'ERR_JWT_EXPIRED') return '未认证：访问令牌已过期，请重新获取令牌';
  if (e.code === 'ERR_JWT_CLAIM_VALIDATION_FAILED') {
    if (e.reason === 'missing' && (e.claim === 'exp' || e.claim === 'iat'))
      return `未认证：访问令牌缺少 ${e.claim}（签发时间和到期时间必须给出）`;
    if ((e.claim === 'iat' || e.claim === 'nbf') && e.reason === 'check_failed')
      return `未认证：访问令牌的 ${e.claim} 在将来（签发时间或生效时间晚于当前时间）`;
  }
  return '未认证：访问令牌无效（签名或签发方不符）';
}
