import type { EntityManager } from '@mikro-orm/postgresql';
import type { Actor } from '../../auth/actor';
import { ConflictError, ForbiddenError, NotFoundError, Problems } from '../../errors';
import { Unit, UnitKind } from './unit.entity';
import type { AuditService } from '../audit/audit.service';
import { isSameOrBelow } from '../../access/jurisdiction';
import { checkIdempotencyKey, writeOnce, keyAndInput } from '../followup/idempotency';

const CODE_RE = /^[A-Z0-9]+(-[A-Z0-9]+)*$/;

export interface CreateUnitData {
  code: string;
  name: string;
  kind: UnitKind;
  parentCode?: string | null;
  /** A retry with the same key answers the first answer (modules/followup/idempotency.ts). */
  idempotencyKey?: string | null;
}

/**
 * The unit tree and the two jurisdiction helpers every rule uses. All tree questions are
 * answered by one indexed ltree query.
 */
export class UnitService {
  /**
   * `audit` is needed only by the administration methods (every write is audited); `changed` runs
   * after each of them commits (the process's unit tree drops its copy at once, without waiting for
   * the database's notification).
   */
  constructor(
    private readonly em: EntityManager,
    private readonly audit?: AuditService,
    private readonly changed?: () => void,
  ) {}

  private async audited(em: EntityManager, actor: Actor, operation: string, unit: Unit) {
    if (!this.audit) throw new Error('UnitService needs an AuditService to write');
    await this.audit
      .withEm(em)
      .record({ actor, operation, details: { unitCode: unit.code, name: unit.name, path: unit.path } });
  }

  async byCode(code: string): Promise<Unit | null> {
    return this.em.findOne(Unit, { code });
  }

  async byId(id: number): Promise<Unit | null> {
    return this.em.findOne(Unit, { id });
  }

  async requireByCode(code: string): Promise<Unit> {
    const unit = await this.byCode(code);
    if (!unit) throw new NotFoundError(`单位 ${code} `);
    return unit;
  }

  /** Is unit `a` the same unit as `b` or above it? */
  async isSameOrAbove(aCode: string, bCode: string): Promise<boolean> {
    const rows = await this.em.execute<{ ok: boolean }[]>(
      `select (a.path @> b.path) as ok from unit a, unit b where a.code = ? and b.code = ?`,
      [aCode, bCode],
    );
    return rows[0]?.ok === true;
  }

  /** The nearest PETITION_AGENCY strictly above `code`: the agency that examines its applications. */
  async nearestAgencyAbove(code: string): Promise<Unit | null> {
    const rows = await this.em.execute<{ id: number }[]>(
      `select p.id from unit u join unit p on p.path @> u.path and p.id <> u.id
        where u.code = ? and p.kind = 'PETITION_AGENCY'
        order by nlevel(p.path) desc limit 1`,
      [code],
    );
    return rows[0] ? this.em.findOneOrFail(Unit, { id: rows[0].id }) : null;
  }

  async ancestors(code: string): Promise<Unit[]> {
    const rows = await this.em.execute<{ id: number }[]>(
      `select p.id from unit u join unit p on p.path @> u.path and p.id <> u.id where u.code = ? order by nlevel(p.path)`,
      [code],
    );
    return this.loadOrdered(rows.map((r) => r.id));
  }

  async descendants(code: string): Promise<Unit[]> {
    const rows = await this.em.execute<{ id: number }[]>(
      `select d.id from unit u join unit d on d.path <@ u.path and d.id <> u.id where u.code = ? order by d.path`,
      [code],
    );
    return this.loadOrdered(rows.map((r) => r.id));
  }

  async list(): Promise<Unit[]> {
    const rows = await this.em.execute<{ id: number }[]>(`select id from unit order by path`);
    return this.loadOrdered(rows.map((r) => r.id));
  }

  private async loadOrdered(ids: number[]): Promise<Unit[]> {
    if (!ids.length) return [];
    const units = await this.em.find(Unit, { id: { $in: ids } });
    const byId = new Map(units.map((u) => [u.id, u]));
    return ids.map((id) => byId.get(id)!);
  }

  // ---- administration (ADMIN only) ----

  async create(actor: Actor, data: CreateUnitData): Promise<Unit> {
    assertAdmin(actor);
    const p = new Problems();
    const code = data.code?.trim() ?? '';
    p.check(CODE_RE.test(code), 'code', '单位代码只能由大写字母、数字和连字符组成，如 ZJ-HZ');
    p.check(!!data.name?.trim() && data.name.trim().length <= 200, 'name', '单位名称不能为空，且不超过200字');
    checkIdempotencyKey(p, data.idempotencyKey);
    p.throwIfAny();
    const done = await writeOnce(
      this.em,
      actor,
      { operation: 'unit.create', entity: Unit, ...keyAndInput(data) },
      async (em) => {
        if (await em.findOne(Unit, { code })) throw new ConflictError(`单位代码 ${code} 已存在`);
        const parent = data.parentCode ? await em.findOne(Unit, { code: data.parentCode }) : null;
        if (data.parentCode && !parent)
          new Problems().add('parentCode', `上级单位 ${data.parentCode} 不存在`).throwIfAny();
        assertManages(actor, parent, '新建单位的上级单位');
        // The id is the last label of the path, so take it from the sequence first.
        const [{ id }] = await em.execute<{ id: number }[]>(`select nextval('unit_id_seq')::int as id`);
        const path = parent ? `${parent.path}.${id}` : `${id}`;
        const unit = em.create(Unit, { id, code, name: data.name.trim(), kind: data.kind, parent, path });
        await em.flush();
        await this.audited(em, actor, 'unit.create', unit);
        return unit;
      },
    );
    this.changed?.();
    return done;
  }

  async rename(actor: Actor, code: string, name: string): Promise<Unit> {
    assertAdmin(actor);
    new Problems()
      .check(!!name?.trim() && name.trim().length <= 200, 'name', '单位名称不能为空，且不超过200字')
      .throwIfAny();
    const done = await this.em.transactional(async (em) => {
      const unit = await em.findOne(Unit, { code });
      if (!unit) throw new NotFoundError(`单位 ${code} `);
      assertManages(actor, unit, '要重命名的单位');
      unit.name = name.trim();
      await em.flush();
      await this.audited(em, actor, 'unit.rename', unit);
      return unit;
    });
    this.changed?.();
    return done;
  }

  /** Moves a unit (with its subtree) under a new parent; a move into its own subtree is a cycle and refused. */
  async move(actor: Actor, code: string, newParentCode: string | null): Promise<Unit> {
    assertAdmin(actor);
    const done = await this.em.transactional(async (em) => {
      const unit = await em.findOne(Unit, { code }, { lockMode: 4 /* PESSIMISTIC_WRITE */ });
      if (!unit) throw new NotFoundError(`单位 ${code} `);
      const parent = newParentCode ? await em.findOne(Unit, { code: newParentCode }) : null;
      if (newParentCode && !parent) throw new NotFoundError(`上级单位 ${newParentCode} `);
      // Both places: the unit (with its subtree) leaves one jurisdiction and enters another.
      assertManages(actor, unit, '要移动的单位');
      assertManages(actor, parent, '新的上级单位');
      if (parent) {
        const [{ cycle }] = await em.execute<{ cycle: boolean }[]>(`select (?::ltree @> ?::ltree) as cycle`, [
          unit.path,
          parent.path,
        ]);
        if (cycle)
          throw new ConflictError(
            `不能把单位 ${code} 移到它自己或其下级单位 ${newParentCode} 之下（会形成环）`,
          );
      }
      const oldPath = unit.path;
      const newPath = parent ? `${parent.path}.${unit.id}` : `${unit.id}`;
      await em.execute(
        `update unit set path = case when path = ?::ltree then ?::ltree
                                     else ?::ltree || subpath(path, nlevel(?::ltree)) end
          where path <@ ?::ltree`,
        [oldPath, newPath, newPath, oldPath, oldPath],
      );
      await em.execute(`update unit set parent_id = ? where id = ?`, [parent?.id ?? null, unit.id]);
      await em.refresh(unit);
      await this.audited(em, actor, 'unit.move', unit);
      return unit;
    });
    this.changed?.();
    return done;
  }
}

function assertAdmin(actor: Actor) {
  if (actor.role !== 'ADMIN') throw new ForbiddenError('只有管理员可以维护单位');
}

/**
 * An administrator manages its own unit and the units below it, nothing else. `null` stands for
 * "above every root" (creating or moving a root unit): only the system actor of the seed and the
 * bootstrap, whose jurisdiction is the whole tree (an empty path), manages that.
 */
function assertManages(actor: Actor, unit: Unit | null, what: string) {
  if (actor.unitPath === '') return;
  if (unit && isSameOrBelow(unit.path, actor.unitPath)) return;
  throw new ForbiddenError(
    `${what}${unit ? ` ${unit.code} ` : '（根单位）'}不在您的管辖范围内：管理员只能管理本单位（${actor.unitCode}）及其下级单位`,
  );
}
