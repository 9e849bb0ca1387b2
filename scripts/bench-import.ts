/**
 * Times the historical import on a scratch database, end to end, and drops it afterwards.
 *
 *   node -r @swc-node/register scripts/bench-import.ts [N=100000] [--server URL] [--file FILE] [--keep]
 *
 * --server is a PostgreSQL URL with the right to create databases (default
 * postgres://postgres@127.0.0.1:5432/postgres, or BENCH_SERVER_URL). The script creates
 * `import_bench_<pid>`, migrates it, generates N synthetic cases with scripts/gen-import.ts
 * (unless --file is given), then times: validation, the first import (all inserts) and a
 * re-import of the same file (all updates). It prints wall times, rows per second and the
 * process's peak memory, and drops the database unless --keep.
 */
import 'reflect-metadata';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { initOrm, migrate } from '../src/db/orm';
import { importData, validateImportFile } from '../src/modules/import/import.service';
import { generateImportFile } from './gen-import';
import { benchDeps, databaseUrl } from './bench-db';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  if (i < 0) return undefined;
  const v = process.argv[i + 1];
  process.argv.splice(i, 2);
  return v;
}

async function main() {
  const keep = process.argv.includes('--keep');
  if (keep) process.argv.splice(process.argv.indexOf('--keep'), 1);
  const server =
    arg('--server') ?? process.env.BENCH_SERVER_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  let file = arg('--file');
  const n = process.argv[2] ? Number(process.argv[2]) : 100_000;

  if (!file) {
    file = path.join(os.tmpdir(), `hub-import-bench-${n}.jsonl`);
    const t0 = Date.now();
    const g = await generateImportFile(n, file);
    console.log(`generated ${g.cases} cases (${g.terminated} terminated) in ${Date.now() - t0} ms: ${file}`);
  }
  const db = `import_bench_${process.pid}`;
  const admin = new Client({ connectionString: server });
  await admin.connect();
  await admin.query(`create database ${db}`);
  const dbUrl = databaseUrl(server, db);
  const orm = await initOrm(dbUrl);
  try {
    await migrate(orm);
    const deps = benchDeps(dbUrl);
    const actor = { userId: 'system:bench', name: '历史数据导入', role: 'ADMIN', unitCode: 'SYSTEM' };

    const time = async <T>(label: string, rows: number, f: () => Promise<T>): Promise<T> => {
      const t0 = process.hrtime.bigint();
      const r = await f();
      const s = Number(process.hrtime.bigint() - t0) / 1e9;
      console.log(`${label.padEnd(26)} ${s.toFixed(1).padStart(6)} s  ${Math.round(rows / s)} cases/s`);
      return r;
    };
    const validateOnce = () => validateImportFile(file!, { em: orm.em.fork() });
    const parsed = await time('validate', n, validateOnce);
    if (parsed.errors.length) throw new Error(`generated file has ${parsed.errors.length} bad lines`);
    const cases = parsed.cases.length;
    const first = await time('import (insert)', cases, () =>
      importData(orm.em.fork(), deps, actor, parsed, undefined, { fileName: path.basename(file!) }),
    );
    console.log(`  ${JSON.stringify(first)}`);
    const again = await time('validate + re-import', cases, async () =>
      importData(orm.em.fork(), deps, actor, await validateOnce(), undefined, {
        fileName: path.basename(file!),
      }),
    );
    console.log(`  ${JSON.stringify(again)}`);
    const [size] = (await admin.query(`select pg_size_pretty(pg_database_size($1)) as s`, [db])).rows;
    console.log(
      `file ${(fs.statSync(file).size / 1048576).toFixed(0)} MB, database ${size.s}, ` +
        `peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`,
    );
  } finally {
    await orm.close();
    if (!keep) await admin.query(`drop database ${db}`);
    else console.log(`kept database ${db}`);
    await admin.end();
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message.slice(0, 2000) : e);
  process.exit(1);
});
