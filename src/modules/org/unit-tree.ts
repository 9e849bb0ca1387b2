import { Client } from 'pg';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from '../../logger';
import { Unit, UnitKind } from './unit.entity';

/**
 * A unit as the tree cache holds it: the entity's columns, frozen, shared by every request of the
 * process (never an entity of any request's identity map, never written through).
 */
export type UnitNode = Readonly<Pick<Unit, 'id' | 'code' | 'name' | 'kind' | 'path' | 'createdAt'>> & {
  readonly parent: { readonly id: number } | null;
};

export interface UnitTreeSnapshot {
  byId: ReadonlyMap<number, UnitNode>;
  byCode: ReadonlyMap<string, UnitNode>;
  /** The nearest PETITION_AGENCY strictly above each unit (the agency examining its cases). */
  examiningAgencyOf(id: number): number | null;
}

/** Channel of the `unit` table's statement trigger (Migration20261203060001_unit_tree_notify). */
export const UNIT_CHANGED_CHANNEL = 'petition_hub_unit_changed';
const RECONNECT_MS = 1000;
const UNITS_SQL = `select id, code, name, kind, parent_id, path::text as path, created_at from unit`;

function snapshotOf(
  rows: {
    id: number;
    code: string;
    name: string;
    kind: UnitKind;
    parent_id: number | null;
    path: string;
    created_at: Date;
  }[],
): UnitTreeSnapshot {
  const byId = new Map<number, UnitNode>();
  const byCode = new Map<string, UnitNode>();
  for (const r of rows) {
    const fields = {
      id: r.id,
      code: r.code,
      name: r.name,
      kind: r.kind,
      parent: r.parent_id === null ? null : Object.freeze({ id: r.parent_id }),
      path: r.path,
      createdAt: new Date(r.created_at),
    };
    // A Unit to type-graphql (no entity constructed per field resolver), own frozen data only.
    const node: UnitNode = Object.freeze(Object.setPrototypeOf(fields, Unit.prototype) as typeof fields);
    byId.set(node.id, node);
    byCode.set(node.code, node);
  }
  const agency = new Map<number, number | null>();
  return {
    byId,
    byCode,
    examiningAgencyOf(id) {
      if (agency.has(id)) return agency.get(id)!;
      const unit = byId.get(id);
      // ltree of ids from the root: the ancestors are the path's segments before the last.
      const above = unit ? unit.path.split('.').slice(0, -1).map(Number).reverse() : [];
      const found = above.find((a) => byId.get(a)?.kind === UnitKind.PETITION_AGENCY) ?? null;
      agency.set(id, found);
      return found;
    },
  };
}

/**
 * The unit tree, read once and kept in the process: every request needs the actor's unit and its
 * cases' handling units, and the tree changes rarely. A statement trigger on `unit` notifies
 * UNIT_CHANGED_CHANNEL on every change, whoever makes it (GraphQL, import, another hub instance,
 * psql); each hub listens on a dedicated connection and reloads its copy there, so requests never
 * pay for a reload and never see a tree older than the last notification they could have caused.
 * While that connection is down nothing is cached: every read goes to the database.
 */
export class UnitTreeCache {
  private snapshot: Promise<UnitTreeSnapshot> | null = null;
  private listener: Client | null = null;
  private listening = false;
  private closed = false;
  private reconnect: NodeJS.Timeout | null = null;

  constructor(private readonly logger?: Logger) {}

  /** Listens for changes on a connection of its own; until then (CLIs, scripts) nothing is cached. */
  async listen(databaseUrl: string): Promise<void> {
    this.closed = false;
    const client = new Client({ connectionString: databaseUrl });
    const lost = (err?: Error) => {
      if (this.listener !== client) return;
      this.listener = null;
      this.listening = false;
      this.snapshot = null;
      void client.end().catch(() => undefined);
      if (this.closed) return;
      this.logger?.warn({ err: err && { name: err.name } }, 'unit tree listener lost; reconnecting');
      this.reconnect = setTimeout(() => void this.listen(databaseUrl).catch(() => undefined), RECONNECT_MS);
      this.reconnect.unref();
    };
    client.on('notification', () => this.invalidate());
    client.on('error', lost);
    client.on('end', () => lost());
    this.listener = client;
    try {
      await client.connect();
      await client.query(`listen ${UNIT_CHANGED_CHANNEL}`);
    } catch (e) {
      lost(e as Error);
      throw e;
    }
    this.listening = true;
    // Anything read before this point could have missed a change.
    this.invalidate();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.reconnect) clearTimeout(this.reconnect);
    const client = this.listener;
    this.listener = null;
    this.listening = false;
    this.snapshot = null;
    await client?.end().catch(() => undefined);
  }

  /**
   * Drops the copy and, while listening, reads the tree again on the listener's connection: the
   * next request waits for that read (which starts after the change committed) instead of
   * seeing the old tree.
   */
  invalidate(): void {
    const client = this.listener;
    if (!this.listening || !client) {
      this.snapshot = null;
      return;
    }
    const loading = client.query(UNITS_SQL).then((r) => snapshotOf(r.rows));
    this.snapshot = loading;
    loading.catch(() => {
      if (this.snapshot === loading) this.snapshot = null;
    });
  }

  /** The tree as of now (cached while the listener is up; otherwise read with `em`). */
  get(em: EntityManager): Promise<UnitTreeSnapshot> {
    if (!this.listening) return this.load(em);
    if (!this.snapshot) {
      const loading = this.load(em);
      this.snapshot = loading;
      loading.catch(() => {
        if (this.snapshot === loading) this.snapshot = null;
      });
    }
    return this.snapshot;
  }

  /**
   * One unit by code or id. A miss reloads once: a unit created a moment ago (its notification
   * still on the way) is found; an unknown one costs one query.
   */
  async find(em: EntityManager, key: { code: string } | { id: number }): Promise<UnitNode | null> {
    const pick = (s: UnitTreeSnapshot) =>
      ('code' in key ? s.byCode.get(key.code) : s.byId.get(key.id)) ?? null;
    const hit = pick(await this.get(em));
    if (hit || !this.listening) return hit;
    this.invalidate();
    return pick(await this.get(em));
  }

  private async load(em: EntityManager): Promise<UnitTreeSnapshot> {
    return snapshotOf(await em.execute(UNITS_SQL));
  }
}
