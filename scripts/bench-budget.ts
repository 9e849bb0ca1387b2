/**
 * Benchmarks the per-user request budget (src/graphql/request-budget.ts) on a scratch database.
 *
 *   node -r @swc-node/register scripts/bench-budget.ts [--server URL] [--seconds 4] [--rounds 3]
 *
 * --server is a PostgreSQL URL with the right to create databases (default
 * postgres://postgres@127.0.0.1:5432/postgres, or BENCH_SERVER_URL). The script creates
 * `budget_bench_<pid>`, migrates it, loads the demo units, starts three hubs on it in this process
 * (REQUEST_BUDGET_PER_MINUTE 10^9, 40000 and 0 = off; GRAPHQL_MAX_COST the default 20000), and prints:
 *   1. the budget statement alone (`spend`, 2,000 calls, one user), p50/p95, and its EXPLAIN ANALYZE;
 *   2. `{ me { userId } }` through HTTP on the 10^9 and the off hub, interleaved one by one (2,000 each): p50/p95,
 *      the ratio, and SQL statements per request (ORM query log);
 *   3. another user's `{ me { userId } units { code } }` while one user floods with 4 concurrent
 *      loops of a query of cost 18,006 (6 aliases
 *      of `units { code name kind ancestors { code name } }`): phases "no flood", "flood, budget on" (40000 a minute), "flood,
 *      budget off", rotated --rounds times, --seconds each: p50/p95 per phase, the flooder's
 *      answered/refused counts, and the ratios to "no flood" with their spread over the rounds.
 * A benchmark: it prints numbers and asserts nothing. The database is dropped at the end.
 */
import 'reflect-metadata';
import { Client } from 'pg';
import type { MikroORM } from '@mikro-orm/postgresql';
import { loadConfig } from '../src/config';
import { initOrm, migrate } from '../src/db/orm';
import { createApp, type Hub } from '../src/app';
import { createLogger } from '../src/logger';
import { signDevToken } from '../src/auth/tokens';
import { spend } from '../src/shared/usage-windows';
import { createDemoUnits } from '../src/db/seeders/DemoSeeder';
import { databaseUrl } from './bench-db';

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : dflt;
}
const server = arg('--server', process.env.BENCH_SERVER_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
const seconds = Number(arg('--seconds', '4'));
const rounds = Number(arg('--rounds', '3'));

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] : NaN;
};
const f = (x: number) => x.toFixed(2);
const now = () => Number(process.hrtime.bigint()) / 1e6;

async function main() {
  const db = `budget_bench_${process.pid}`;
  const admin = new Client({ connectionString: server });
  await admin.connect();
  await admin.query(`create database ${db}`);
  const url = databaseUrl(server, db);
  const hubs: { hub: Hub; orm: MikroORM; base: string; queries: string[] }[] = [];
  try {
    const setup = await initOrm(url);
    await migrate(setup);
    await createDemoUnits(setup.em.fork(), { userId: 'bench:admin', name: '管理员' });

    // 1. The statement alone.
    const times: number[] = [];
    for (let i = 0; i < 2000; i++) {
      const t0 = now();
      await spend(
        setup.em.fork(),
        'bench:alone',
        [{ kind: 'request:minute', seconds: 60, cap: 1e9 }],
        5,
        new Date(),
      );
      times.push(now() - t0);
    }
    console.log(
      `1. budget statement alone (2000 calls): p50 ${f(pct(times, 50))} ms, p95 ${f(pct(times, 95))} ms`,
    );
    const plan = await setup.em.fork().execute(
      `explain (analyze, buffers) insert into usage_window as u (user_id, kind, window_start, used, cap)
       select * from (values ('bench:alone', 'request:minute', now(), 5, 1000000000)) as v(user_id, kind, window_start, used, cap)
       on conflict (user_id, kind) do update set used = u.used + excluded.used where u.used + excluded.used <= excluded.cap
       returning kind, used`,
    );
    console.log(plan.map((r: Record<string, string>) => `   ${r['QUERY PLAN']}`).join('\n'));
    await setup.close();

    for (const budget of ['1000000000', '40000', '0']) {
      const config = loadConfig({
        NODE_ENV: 'test',
        DATABASE_URL: url,
        REQUEST_BUDGET_PER_MINUTE: budget,
      });
      const queries: string[] = [];
      const orm = await initOrm(url, {
        debug: ['query'],
        logger: (m: string) => {
          if (m.includes('[query]')) queries.push(m);
        },
      });
      const hub = await createApp({ config, orm, logger: createLogger('silent'), stopGraceMs: 0 });
      const port = await hub.listen(0, '127.0.0.1');
      hubs.push({ hub, orm, base: `http://127.0.0.1:${port}/graphql`, queries });
    }
    const [on, low, off] = hubs;
    const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: url });
    const tok = (userId: string, role: 'SUPERVISOR' | 'DEPARTMENT_STAFF') =>
      signDevToken(config, { userId, role, unitCode: 'ZJ' });
    const post = async (base: string, token: string, query: string) => {
      const t0 = now();
      const r = await fetch(base, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query }),
      });
      const body = (await r.json()) as { errors?: { extensions?: { code?: string } }[] };
      return { ms: now() - t0, code: body.errors?.[0]?.extensions?.code ?? 'OK' };
    };

    // 2. Interleaved, one by one.
    const light = await tok('bench:light', 'DEPARTMENT_STAFF');
    const ME = '{ me { userId } }';
    const onT: number[] = [];
    const offT: number[] = [];
    for (let i = 0; i < 50; i++) {
      await post(on.base, light, ME);
      await post(off.base, light, ME);
    }
    on.queries.length = 0;
    off.queries.length = 0;
    for (let i = 0; i < 2000; i++) {
      onT.push((await post(on.base, light, ME)).ms);
      offT.push((await post(off.base, light, ME)).ms);
    }
    console.log(
      `2. { me { userId } } interleaved, 2000 each: budget on p50 ${f(pct(onT, 50))} ms p95 ${f(pct(onT, 95))} ms; ` +
        `off p50 ${f(pct(offT, 50))} ms p95 ${f(pct(offT, 95))} ms; ratio of p50 ${(pct(onT, 50) / pct(offT, 50)).toFixed(2)}; ` +
        `SQL statements per request: on ${(on.queries.length / 2000).toFixed(2)}, off ${(off.queries.length / 2000).toFixed(2)}`,
    );

    // 3. Flood by one user, another user's answers.
    const flooder = await tok('bench:flooder', 'SUPERVISOR');
    const victim = await tok('bench:victim', 'DEPARTMENT_STAFF');
    const HEAVY = `{ ${Array.from({ length: 6 }, (_, i) => `a${i}: units { code name kind ancestors { code name } }`).join(' ')} }`;
    const VICTIM = '{ me { userId } units { code } }';
    type Phase = 'no flood' | 'flood, budget on' | 'flood, budget off';
    const results: Record<Phase, { p50: number[]; p95: number[]; answered: number; refused: number }> = {
      'no flood': { p50: [], p95: [], answered: 0, refused: 0 },
      'flood, budget on': { p50: [], p95: [], answered: 0, refused: 0 },
      'flood, budget off': { p50: [], p95: [], answered: 0, refused: 0 },
    };
    for (let r = 0; r < rounds; r++) {
      for (const phase of Object.keys(results) as Phase[]) {
        const hub = phase === 'flood, budget off' ? off : low;
        const end = now() + seconds * 1000;
        let stop = false;
        const floods =
          phase === 'no flood'
            ? []
            : Array.from({ length: 4 }, async () => {
                while (!stop) {
                  const x = await post(hub.base, flooder, HEAVY);
                  if (x.code === 'RATE_LIMITED') results[phase].refused++;
                  else results[phase].answered++;
                }
              });
        const lat: number[] = [];
        while (now() < end) lat.push((await post(hub.base, victim, VICTIM)).ms);
        stop = true;
        await Promise.all(floods);
        results[phase].p50.push(pct(lat, 50));
        results[phase].p95.push(pct(lat, 95));
        // Let the next phase start with a fresh minute for the flooder (budget on).
        const c = new Client({ connectionString: url });
        await c.connect();
        await c.query(`delete from usage_window`);
        await c.end();
      }
    }
    console.log(
      `3. another user's { me units } while one user floods (${rounds} rounds × ${seconds} s per phase):`,
    );
    const base = results['no flood'].p50;
    for (const [phase, x] of Object.entries(results)) {
      const ratios = x.p50.map((v, i) => v / base[i]);
      console.log(
        `   ${phase.padEnd(18)} p50 ${x.p50.map(f).join(' / ')} ms, p95 ${x.p95.map(f).join(' / ')} ms; ` +
          `p50 ratio to no flood ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}; ` +
          `flooder answered ${x.answered}, refused ${x.refused}`,
      );
    }
  } finally {
    for (const h of hubs) {
      await h.hub.stop();
      await h.orm.close();
    }
    await admin.query(`drop database if exists ${db}`);
    await admin.end();
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
