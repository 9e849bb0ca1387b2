import { createHash } from 'node:crypto';
import type { EntityClass, EntityManager, FilterQuery } from '@mikro-orm/postgresql';
import type { Actor } from '../../auth/actor';
import { ConflictError, type Problems } from '../../errors';
import { canonicalJson } from '../audit/audit.verify';

/**
 * Safe retries (issue 5, extended to every creating mutation in issue 12): each write takes an
 * optional client idempotency key, handled by `idempotent` below, the one place of the steps.
 *
 * Design: the table `idempotency_key` is keyed by (user, key) and stores the operation, a
 * SHA-256 of the operation and its canonical input, and a reference to the result
 * (entity name + id). Inside the write's own transaction, before anything else:
 *
 * - `claim` inserts the row (`on conflict do nothing`). A second request with the same key waits
 *   on the first one's uncommitted row (PostgreSQL's unique index does the queueing), then sees
 *   the committed row: the same hash → the first result is returned and nothing is written;
 *   another hash (different input, or another operation) → CONFLICT. If the first request
 *   failed, its row was rolled back with it and the retry simply runs.
 * - `complete` stores the result reference, in the same transaction, before the audit entry.
 *
 * Keys belong to a user (the token's subject), so one user's key never reveals another's result.
 * Rows are small and kept; they could be purged after some months without harm to retries.
 */
export const IDEMPOTENCY_KEY_RE = /^[A-Za-z0-9_.:-]{1,100}$/;

/** The schema description of every `idempotencyKey` argument and input field. */
export const IDEMPOTENCY_KEY_DESCRIPTION =
  '幂等键（可选，客户端生成，如 UUID）：同一用户以同一键重试同一请求时，返回第一次的结果而不重复写入；同一键用于不同内容时拒绝（CONFLICT）';

export function checkIdempotencyKey(p: Problems, key: string | null | undefined): void {
  if (key == null) return;
  p.check(
    IDEMPOTENCY_KEY_RE.test(key),
    'idempotencyKey',
    '幂等键应为1–100个字符，只能包含字母、数字和 _ . : -',
  );
}

export interface Claim {
  key: string | null;
  /** Set when this key was already used with the same input: the first result's id. */
  replayId: number | null;
}

/** SHA-256 of the operation and its input in canonical JSON (Dates as ISO strings, key order ignored). */
export function inputHash(operation: string, input: unknown): string {
  const plain = input === undefined ? null : JSON.parse(JSON.stringify(input));
  return createHash('sha256')
    .update(canonicalJson({ operation, input: plain }), 'utf8')
    .digest('hex');
}

export async function claim(
  em: EntityManager,
  actor: Actor,
  key: string | null | undefined,
  operation: string,
  resultType: string,
  input: unknown,
): Promise<Claim> {
  if (key == null) return { key: null, replayId: null };
  const hash = inputHash(operation, input);
  const inserted = await em.execute<{ ok: number }[]>(
    `insert into idempotency_key (user_id, key, operation, input_hash, result_type, created_at)
     values (?, ?, ?, ?, ?, now()) on conflict (user_id, key) do nothing returning 1 as ok`,
    [actor.userId, key, operation, hash, resultType],
  );
  if (inserted.length) return { key, replayId: null };
  const [row] = await em.execute<{ input_hash: string; result_type: string; result_id: number | null }[]>(
    `select input_hash, result_type, result_id from idempotency_key where user_id = ? and key = ?`,
    [actor.userId, key],
  );
  if (!row || row.input_hash !== hash || row.result_type !== resultType || row.result_id === null) {
    throw new ConflictError(
      '该幂等键已用于另一项不同的请求；重试时请使用相同的内容，新的请求请使用新的幂等键',
    );
  }
  return { key, replayId: row.result_id };
}

export async function complete(em: EntityManager, actor: Actor, c: Claim, resultId: number): Promise<void> {
  if (c.key === null) return;
  await em.execute(`update idempotency_key set result_id = ? where user_id = ? and key = ?`, [
    resultId,
    actor.userId,
    c.key,
  ]);
}

/** What `idempotent` needs to know about one write. */
export interface IdempotentWrite<T> {
  key: string | null | undefined;
  /** Dotted operation name; part of the hash, so one key cannot serve two operations. */
  operation: string;
  /** The result's entity: its name is stored with the result's id, and a replay loads it by id. */
  entity: EntityClass<T>;
  /** The request's input without the key: the same key with another input is a CONFLICT. */
  input: unknown;
}

/**
 * Runs `write` at most once per (user, key), inside the caller's transaction `em`: claims the key,
 * answers the first result again when the key was already used with the same input, otherwise
 * writes and stores the result's id in the same transaction (so a failed write frees the key).
 */
export async function idempotent<T extends { id: number }>(
  em: EntityManager,
  actor: Actor,
  w: IdempotentWrite<T>,
  write: () => Promise<T>,
): Promise<T> {
  const claimed = await claim(em, actor, w.key, w.operation, w.entity.name, w.input);
  if (claimed.replayId) return em.findOneOrFail(w.entity, { id: claimed.replayId } as FilterQuery<T>);
  const result = await write();
  await complete(em, actor, claimed, result.id);
  return result;
}

/**
 * A request's idempotency key and the input it guards: every field of `data` but the key itself
 * (so a retry with the same key and the same fields replays, one with other fields is a CONFLICT).
 */
export function keyAndInput<D extends { idempotencyKey?: string | null }>(
  data: D,
): { key: string | null | undefined; input: Omit<D, 'idempotencyKey'> } {
  const { idempotencyKey, ...input } = data;
  return { key: idempotencyKey, input };
}

/**
 * A creating write in its own transaction on `em`, at most once per (user, key): the shape every
 * idempotent mutation takes. `write` gets the transaction's EntityManager.
 */
export function writeOnce<T extends { id: number }>(
  em: EntityManager,
  actor: Actor,
  w: IdempotentWrite<T>,
  write: (em: EntityManager) => Promise<T>,
): Promise<T> {
  return em.transactional((tx) => idempotent(tx, actor, w, () => write(tx)));
}
