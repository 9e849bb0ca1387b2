import type { EntityManager } from '@mikro-orm/postgresql';
import type { Config } from '../config';
import { UnauthenticatedError } from '../errors';
import type { UnitTreeCache } from '../modules/org/unit-tree';
import type { Actor } from './actor';
import { createTokenVerifier } from './tokens';

/** The token of an `Authorization: Bearer …` header, or null when there is none. */
export function bearerToken(header: string | undefined): string | null {
  const match = /^Bearer\s+(.+)$/i.exec(header ?? '');
  return match ? match[1].trim() : null;
}

/** Verifies a bearer token and resolves its unit against the unit tree: who is acting. */
export type ActorResolver = (token: string, em: EntityManager) => Promise<Actor>;

/**
 * The one way a request becomes an Actor, shared by GraphQL and the plain HTTP routes
 * (file upload and download): same verifier, same unit resolution, same errors.
 */
export function createActorResolver(config: Config, unitTree: UnitTreeCache): ActorResolver {
  const verifyToken = createTokenVerifier(config);
  return async (token, em) => {
    const claims = await verifyToken(token);
    // From the process's unit tree: no query per request (invalidated on every unit change).
    const unit = await unitTree.find(em, { code: claims.unitCode });
    if (!unit) throw new UnauthenticatedError('未认证：令牌中的单位不存在');
    return {
      userId: claims.userId,
      name: claims.name,
      role: claims.role,
      unitId: unit.id,
      unitCode: unit.code,
      unitKind: unit.kind,
      unitPath: unit.path,
    };
  };
}
