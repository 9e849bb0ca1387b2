/**
 * EXPLAIN (ANALYZE, BUFFERS) of checkDuplicate's candidate look-up, exactly as the check sends it,
 * for the benchmark's ten inputs (altered facts of terminated cases, scripts/bench-http.ts), each
 * run twice (the second shows the warm cache). Prints the summary lines and, with --plan, the plan.
 *   node -r @swc-node/register scripts/dup-explain.ts --db bench_h10 [--plan]
 */
import { Client } from 'pg';
import { initOrm } from '../src/db/orm';
import { contentOnlyLookUpQuery } from '../src/modules/sharing/dup-candidates';

const arg = (n: string) => {
  const i = process.argv.indexOf(n);
  return i < 0 ? undefined : process.argv[i + 1];
};

async function main() {
  const url = `postgres://postgres@127.0.0.1:5432/${arg('--db') ?? 'bench_base'}`;
  const c = new Client({ connectionString: url });
  await c.connect();
  const { rows } = await c.query(
    `select facts_and_reasons as facts from petition_case
      where status = 'TERMINATED' order by id limit 10 offset 1000`,
  );
  await c.end();
  const alter = (facts: string) =>
    facts.replace(/本人/g, '我').replace('反映', '反应').replace(/。$/, '，请领导重视。');
  const orm = await initOrm(url);
  try {
    for (const [i, r] of rows.entries()) {
      for (const pass of ['cold', 'warm']) {
        const em = orm.em.fork();
        const q = contentOnlyLookUpQuery(em, alter(r.facts as string), 50, 'explain');
        const plan = await em.execute<{ 'QUERY PLAN': string }[]>(
          `explain (analyze, buffers) ${q.sql}`,
          q.params,
        );
        const lines = plan.map((x) => x['QUERY PLAN']);
        const top = lines.find((l) => /Buffers:/.test(l)) ?? '';
        const exec = lines.find((l) => /Execution Time/.test(l)) ?? '';
        console.log(`input ${i} ${pass}: ${top.trim()} | ${exec.trim()}`);
        if (process.argv.includes('--plan') && i === 0) for (const l of lines) console.log(`   | ${l}`);
      }
    }
  } finally {
    await orm.close();
  }
}
void main();
