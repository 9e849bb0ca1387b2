import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Deps } from '../../shared/deps';
import { AuditService, type AuditActor } from '../audit/audit.service';
import { fileCipherFor } from './file-cipher';
import { SEALED_COLUMN, type SealedColumn } from './sealed-text';
import { arrayLiteral } from '../../shared/sql';

/**
 * Key rotation for the follow-up module (npm run keys:reencrypt): re-seals, under the newest key
 * of PERSONAL_DATA_KEYS, every officer-written text sealed with the FieldCipher (SEALED_COLUMN)
 * and every uploaded file's content (FileCipher), so old keys can be retired.
 *
 * - Which values: the sealed text columns carry no key id column of their own, so a value is
 *   re-sealed when the key id embedded in it (`v1.<keyId>.…`) is not the current one; a file's
 *   content by its `stored_file.key_id`, its name by the name's own embedded key id.
 * - AAD: exactly what the writers used (sealed-text.ts: one AAD per column, the SEALED_COLUMN
 *   value; file-cipher.ts: the file's SHA-256 and the key id). Plaintext never changes.
 * - Batches, each its own transaction with its rows locked (`for update`) and its own audit entry,
 *   so what the audit log says was moved is exactly what was committed.
 * - archive_document_version is append-only (a trigger refuses UPDATE): the trigger is disabled
 *   for the batch's own transaction only and enabled again before it commits. The catalog change
 *   is transactional, so no other session ever runs without it; ENABLE/DISABLE TRIGGER takes a
 *   SHARE ROW EXCLUSIVE lock, so writers of that table wait for the batch, readers do not.
 */

/** Sealed text columns by table, derived from SEALED_COLUMN (`<table>.<part>` is stored in `<part>_enc`). */
interface SealedTable {
  table: string;
  columns: { column: string; aad: SealedColumn }[];
}

export const APPEND_ONLY_TRIGGERS: Record<string, string> = {
  archive_document_version: 'archive_document_version_append_only',
};

/** Every table holding values sealed with the personal-data keys, and its sealed text columns. */
export function sealedTables(): SealedTable[] {
  const byTable = new Map<string, SealedTable>();
  for (const aad of Object.values(SEALED_COLUMN)) {
    const [table, part] = aad.split('.');
    let t = byTable.get(table);
    if (!t) byTable.set(table, (t = { table, columns: [] }));
    t.columns.push({ column: `${snake(part)}_enc`, aad });
  }
  return [...byTable.values()];
}

const snake = (s: string) => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const IDENT = /^[a-z_][a-z0-9_]*$/;
/** Postgres array literal: knex would expand a JS array into a list of parameters. */

/** At most this many bytes of file content are held in memory by one file batch (at least one file). */
export const FILE_BATCH_BYTES = 64 * 1024 * 1024;

export const RESEAL_ACTOR: AuditActor = {
  userId: 'system:keys:reencrypt',
  name: '命令行任务 keys:reencrypt',
  role: 'SYSTEM',
  unitCode: '-',
};

type Row = Record<string, unknown> & { id: number };

/**
 * Re-seals every follow-up value not under the current key. Returns the number of rows re-sealed
 * per table (every table is listed, 0 when nothing was to do).
 */
export async function resealFollowUp(
  em: EntityManager,
  deps: Pick<Deps, 'cipher' | 'config' | 'now'>,
  batchSize = 200,
  opts: { actor?: AuditActor } = {},
): Promise<Record<string, number>> {
  if (!Number.isSafeInteger(batchSize) || batchSize < 1)
    throw new Error('resealFollowUp: invalid batch size');
  const actor = opts.actor ?? RESEAL_ACTOR;
  const keyId = deps.cipher.currentKeyId;
  const files = fileCipherFor(deps.config.personalDataKeys);
  if (files.currentKeyId !== keyId) throw new Error('resealFollowUp: field and file keyrings disagree');

  const counts: Record<string, number> = {};
  for (const spec of sealedTables()) {
    for (const name of [spec.table, ...spec.columns.map((c) => c.column)])
      if (!IDENT.test(name)) throw new Error(`resealFollowUp: bad identifier ${name}`);
    const stale = spec.columns
      .map((c) => `(${c.column} is not null and split_part(${c.column}, '.', 2) <> ?)`)
      .concat(spec.table === 'stored_file' ? ['key_id <> ?'] : []);
    const trigger = APPEND_ONLY_TRIGGERS[spec.table];
    counts[spec.table] = 0;
    const b: Batch = {
      spec,
      staleSql: `(${stale.join(' or ')})`,
      staleParams: stale.map(() => keyId),
      after: 0,
      size: batchSize,
    };
    for (;;) {
      // Probe without locks first, so a table with nothing to do is never locked for writes.
      if (!(await staleRows(em, b, ['id'], 1, false)).length) break;
      const done = await em.transactional(async (tem) => {
        if (trigger) await tem.execute(`alter table ${spec.table} disable trigger ${trigger}`);
        const moved =
          spec.table === 'stored_file' ? await resealFiles(tem, deps, b) : await resealTexts(tem, deps, b);
        if (trigger) await tem.execute(`alter table ${spec.table} enable trigger ${trigger}`);
        if (moved.ids.length) {
          await new AuditService(tem, deps.now).record({
            actor,
            operation: 'followup.reseal',
            fields: spec.columns.map((c) => c.aad),
            details: {
              table: spec.table,
              rows: moved.ids.length,
              fromId: moved.ids[0],
              toId: moved.ids[moved.ids.length - 1],
              keyId,
            },
          });
        }
        return moved;
      });
      counts[spec.table] += done.ids.length;
      if (!done.ids.length || !done.more) break;
      b.after = done.ids[done.ids.length - 1];
    }
  }
  return counts;
}

interface Moved {
  /** Ids re-sealed, ascending. */
  ids: number[];
  /** Whether more candidates may follow the last id. */
  more: boolean;
}

function reseal(deps: Pick<Deps, 'cipher'>, table: string, id: number, sealed: string, aad: string): string {
  try {
    return deps.cipher.reencrypt(sealed, aad);
  } catch (e) {
    // FieldCipher messages never carry plaintext or key material.
    throw new Error(`${table} #${id}: ${(e as Error).message}`, { cause: e });
  }
}

/** Where a table's re-sealing stands: its rows still under another key, after `after` by id. */
interface Batch {
  spec: SealedTable;
  /** A row holds a value sealed under another key than the current one. */
  staleSql: string;
  staleParams: string[];
  /** The last id re-sealed (0 before the first batch). */
  after: number;
  /** Rows a batch takes at the most. */
  size: number;
}

/** The next `limit` stale rows' `columns`, by id; `lock`: locked for the batch's update. */
function staleRows<R>(em: EntityManager, b: Batch, columns: string[], limit: number, lock: boolean) {
  return em.execute<R[]>(
    `select ${columns.join(', ')} from ${b.spec.table}
      where id > ? and ${b.staleSql} order by id limit ?${lock ? ' for update' : ''}`,
    [b.after, ...b.staleParams, limit],
  );
}

/** One batch of a table whose sealed values are FieldCipher texts: one select, one update. */
async function resealTexts(em: EntityManager, deps: Pick<Deps, 'cipher'>, b: Batch): Promise<Moved> {
  const { spec } = b;
  const keyId = deps.cipher.currentKeyId;
  const cols = spec.columns.map((c) => c.column);
  const rows = await staleRows<Row>(em, b, ['id', ...cols], b.size, true);
  if (!rows.length) return { ids: [], more: false };
  const updates = rows.map((r) => {
    const u: Record<string, unknown> = { id: r.id };
    for (const { column, aad } of spec.columns) {
      const v = r[column] as string | null;
      // null: leave the stored value as it is (absent, or already under the current key).
      u[column] =
        v != null && deps.cipher.keyIdOf(v) !== keyId ? reseal(deps, spec.table, r.id, v, aad) : null;
    }
    return u;
  });
  await em.execute(
    `update ${spec.table} t set ${cols.map((c) => `${c} = coalesce(v.${c}, t.${c})`).join(', ')}
       from jsonb_to_recordset(?::jsonb) as v(id int, ${cols.map((c) => `${c} text`).join(', ')})
      where t.id = v.id`,
    [JSON.stringify(updates)],
  );
  return { ids: rows.map((r) => r.id), more: rows.length === b.size };
}

/**
 * One batch of uploaded files: rows locked first without their content, then the content of as
 * many as fit in FILE_BATCH_BYTES is read, opened, checked against its SHA-256, sealed again and
 * written back with the new key id.
 */
async function resealFiles(
  em: EntityManager,
  deps: Pick<Deps, 'cipher' | 'config'>,
  b: Batch,
): Promise<Moved> {
  const { spec } = b;
  const keyId = deps.cipher.currentKeyId;
  const files = fileCipherFor(deps.config.personalDataKeys);
  const candidates = await staleRows<{
    id: number;
    size_bytes: number;
    sha256: string;
    key_id: string;
    name_enc: string;
  }>(em, b, ['id', 'size_bytes', 'sha256', 'key_id', 'name_enc'], b.size, true);
  const batch: typeof candidates = [];
  let bytes = 0;
  for (const c of candidates) {
    if (batch.length && bytes + c.size_bytes > FILE_BATCH_BYTES) break;
    batch.push(c);
    bytes += c.size_bytes;
  }
  if (!batch.length) return { ids: [], more: false };
  const stale = batch.filter((f) => f.key_id !== keyId).map((f) => f.id);
  const contents = new Map<number, Buffer>();
  if (stale.length) {
    const rows = await em.execute<{ id: number; content: Buffer }[]>(
      'select id, content from stored_file where id = any(?::int[])',
      [arrayLiteral(stale)],
    );
    for (const r of rows) contents.set(r.id, r.content);
  }
  const nameAad = spec.columns.find((c) => c.column === 'name_enc')!.aad;
  for (const f of batch) {
    const nameEnc =
      deps.cipher.keyIdOf(f.name_enc) !== keyId
        ? reseal(deps, 'stored_file', f.id, f.name_enc, nameAad)
        : f.name_enc;
    let content: Buffer | null = null;
    if (f.key_id !== keyId) {
      let plain: Buffer;
      try {
        plain = files.open({ keyId: f.key_id, sealed: contents.get(f.id)! }, f.sha256);
      } catch (e) {
        throw new Error(`stored_file #${f.id}: ${(e as Error).message}`, { cause: e });
      }
      if (createHash('sha256').update(plain).digest('hex') !== f.sha256)
        throw new Error(`stored_file #${f.id}: content does not match its SHA-256`);
      const sealed = files.seal(plain, f.sha256);
      content = sealed.sealed;
    }
    await em.execute(
      `update stored_file set name_enc = ?, key_id = ?, content = coalesce(?::bytea, content) where id = ?`,
      [nameEnc, keyId, content, f.id],
    );
  }
  return {
    ids: batch.map((f) => f.id),
    more: batch.length < candidates.length || candidates.length === b.size,
  };
}
