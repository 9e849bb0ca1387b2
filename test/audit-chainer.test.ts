import { Pool } from 'pg';
import { startTestHub, type TestHub } from './helpers/hub';
import { AuditService, type AuditEntry } from '../src/modules/audit/audit.service';
import { verifyAuditChain } from '../src/modules/audit/audit.verify';
import { initOrm } from '../src/db/orm';

/**
 * The batching appender (src/modules/audit/audit.chainer.ts): concurrent writers share batches,
 * the chain stays gapless whoever else appends between batches (a writer inside a transaction,
 * another process), a writer returns only once its entries are committed, and one writer's entry
 * that the database refuses fails that writer alone.
 */
let t: TestHub;
let other: Pool;
const actor = { userId: 'chainer', name: '批量', role: 'CASE_OFFICER', unitCode: 'ROOT' };
const entry = (i: number, extra: Partial<AuditEntry> = {}): AuditEntry => ({
  actor,
  operation: 'petitioner.read.clear',
  caseId: i,
  petitionerId: 1000 + i,
  fields: ['name', 'phone'],
  ...extra,
});
const audit = () => new AuditService(t.orm.em.fork(), () => new Date(t.clock.now));
const seqs = async () =>
  (await t.sql(`select seq::int as seq from audit_log order by seq`)).map((r) => r.seq);

beforeAll(async () => {
  t = await startTestHub();
  other = new Pool({ connectionString: t.databaseUrl, max: 5 });
});
afterAll(async () => {
  await other?.end();
  await t?.close();
});

it('chains many concurrent writers in shared batches, each committed when its call returns', async () => {
  const before = (await seqs()).length;
  let committedBeforeReturn = 0;
  await Promise.all(
    Array.from({ length: 30 }, async (_, w) => {
      const mine = Array.from({ length: 20 }, (_, i) =>
        entry(w * 100 + i, { actor: { ...actor, userId: `w${w}` } }),
      );
      await audit().recordMany(mine);
      // Seen by another connection the moment the call returns: committed, not merely queued.
      const { rows } = await other.query(`select count(*)::int as n from audit_log where user_id = $1`, [
        `w${w}`,
      ]);
      if (rows[0].n === 20) committedBeforeReturn++;
    }),
  );
  expect(committedBeforeReturn).toBe(30);
  const all = await seqs();
  expect(all.length).toBe(before + 600);
  expect(all).toEqual(all.map((_, i) => i + 1));
  // Each writer's entries stay together and in the order given.
  const w7 = await t.sql(`select case_id::int as c from audit_log where user_id = 'w7' order by seq`);
  expect(w7.map((r) => r.c)).toEqual(Array.from({ length: 20 }, (_, i) => 700 + i));
  expect(await verifyAuditChain(t.orm.em.fork())).toMatchObject({ ok: true, checked: all.length });
});

it('stays one chain when others append between its batches (a transaction, another process)', async () => {
  await audit().record(entry(1)); // the chainer now knows the head it wrote
  await t.orm.em.fork().transactional(async (tem) => {
    await new AuditService(tem, () => new Date()).record(entry(2, { operation: 'case.recordStep' }));
  });
  await audit().record(entry(3)); // its remembered head is stale now: chained on the head read under the lock
  // another process: a separate ORM, hence a separate chainer, on the same database
  const orm2 = await initOrm(t.databaseUrl, {});
  try {
    await Promise.all([
      new AuditService(orm2.em.fork(), () => new Date()).recordMany([entry(4), entry(5)]),
      audit().recordMany([entry(6), entry(7)]),
      new AuditService(orm2.em.fork(), () => new Date()).record(entry(8)),
      audit().record(entry(9)),
    ]);
  } finally {
    await orm2.close();
  }
  const all = await seqs();
  expect(all).toEqual(all.map((_, i) => i + 1));
  expect(await verifyAuditChain(t.orm.em.fork())).toMatchObject({ ok: true, checked: all.length });
});

it('fails only the writer whose entry the database refuses, not the others in its batch', async () => {
  const before = (await seqs()).length;
  // A NUL character cannot be stored in a text column: the insert of that entry fails.
  const results = await Promise.allSettled([
    audit().record(entry(10, { actor: { ...actor, userId: 'good-1' } })),
    audit().record(entry(11, { actor: { ...actor, userId: 'bad' }, reason: 'nul \u0000 here' })),
    audit().record(entry(12, { actor: { ...actor, userId: 'good-2' } })),
  ]);
  expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  const added = await t.sql(`select user_id from audit_log where seq > $1 order by seq`, [before]);
  expect(added.map((r) => r.user_id).sort()).toEqual(['good-1', 'good-2']);
  expect(await verifyAuditChain(t.orm.em.fork())).toMatchObject({ ok: true });
});
