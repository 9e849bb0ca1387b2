import fs from 'node:fs';
import {
  SignJWT,
  jwtVerify,
  createRemoteJWKSet,
  createLocalJWKSet,
  decodeProtectedHeader,
  type JWTPayload,
} from 'jose';
import { ROLES, type Config, type Role } from '../config';
import { UnauthenticatedError } from '../errors';

/** What a verified token says about its bearer; the unit is resolved against the database later. */
export interface TokenClaims {
  userId: string;
  name: string;
  role: Role;
  unitCode: string;
}

export async function signDevToken(
  config: Config,
  claims: { userId?: string; name?: string; role: Role; unitCode: string },
  expiresIn = '12h',
): Promise<string> {
  if (!config.auth.devSecret) throw new Error('开发令牌密钥未配置（生产环境不签发开发令牌）');
  return new SignJWT({ name: claims.name ?? claims.role, role: claims.role, unit: claims.unitCode })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(claims.userId ?? `dev:${claims.role.toLowerCase()}:${claims.unitCode}`)
    .setIssuer(config.auth.issuer)
    .setAudience(config.auth.audience)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(new TextEncoder().encode(config.auth.devSecret));
}

export type TokenVerifier = (token: string) => Promise<TokenClaims>;

export function createTokenVerifier(config: Config): TokenVerifier {
  const devKey = config.auth.devSecret ? new TextEncoder().encode(config.auth.devSecret) : undefined;
  const jwks = config.auth.jwksUrl
    ? createRemoteJWKSet(new URL(config.auth.jwksUrl))
    : config.auth.jwksFile
      ? createLocalJWKSet(JSON.parse(fs.readFileSync(config.auth.jwksFile, 'utf8')))
      : undefined;
  const options = { issuer: config.auth.issuer, audience: config.auth.audience };

  return async (token) => {
    let payload: JWTPayload;
    try {
      const { alg } = decodeProtectedHeader(token);
      if (alg === 'HS256') {
        // Symmetric tokens exist only in development; production has no dev key at all.
        if (!devKey) throw new Error('no dev key');
        ({ payload } = await jwtVerify(token, devKey, { ...options, algorithms: ['HS256'] }));
      } else {
        if (!jwks) throw new Error('no key set');
        ({ payload } = await jwtVerify(token, jwks, {
          ...options,
          algorithms: ['RS256', 'ES256', 'PS256', 'EdDSA'],
        }));
      }
    } catch (e) {
      const expired = (e as { code?: string }).code === 'ERR_JWT_EXPIRED';
      throw new UnauthenticatedError(
        expired ? '未认证：访问令牌已过期' : '未认证：访问令牌无效（签名或签发方不符）',
      );
    }
    const role = payload.role as Role;
    if (!ROLES.includes(role)) throw new UnauthenticatedError('未认证：令牌中的角色无效');
    if (typeof payload.unit !== 'string' || !payload.unit)
      throw new UnauthenticatedError('未认证：令牌中缺少单位代码');
    if (!payload.sub) throw new UnauthenticatedError('未认证：令牌中缺少用户标识');
    return {
      userId: payload.sub,
      name: typeof payload.name === 'string' ? payload.name : payload.sub,
      role,
      unitCode: payload.unit,
    };
  };
}
