import { parseArgs } from 'node:util';
import { runCli } from './bootstrap';
import { verifyAuditChain } from '../modules/audit/audit.verify';
import { AuditService } from '../modules/audit/audit.service';

/**
 * npm run audit:verify [-- --anchor SEQ:HASH ...] [--json]
 *
 * Walks the whole audit chain and recomputes every hash and link. Exit 0 when intact; 1 when
 * broken (the first broken entry is named: its seq and what is wrong) or on error; 2 on bad
 * arguments. `--anchor` takes a head noted earlier (the lastSeq and lastHash this command
 * prints), which must still be in the chain: this catches entries cut off the end.
 * It runs no migrations; its one write: entries still staged (audit_pending, a writer stopped
 * between staging and chaining) are chained first, so the walk covers them.
 */
const USAGE = '用法 (usage): npm run audit:verify [-- --anchor SEQ:HASH ...] [--json]';

let values: { anchor?: string[]; json?: boolean };
try {
  ({ values } = parseArgs({
    options: { anchor: { type: 'string', multiple: true }, json: { type: 'boolean', default: false } },
  }));
} catch (e) {
  console.error(`${(e as Error).message}\n${USAGE}`);
  process.exit(2);
}
const anchors: { seq: string; hash: string }[] = [];
for (const a of values.anchor ?? []) {
  const m = /^([1-9][0-9]{0,18}):([0-9a-fA-F]{64})$/.exec(a.trim());
  if (!m) {
    console.error(`--anchor 应为 序号:哈希 (SEQ:64 hex digits), got "${a}"\n${USAGE}`);
    process.exit(2);
  }
  anchors.push({ seq: m[1], hash: m[2].toLowerCase() });
}

void runCli(
  async ({ orm }) => {
    const em = orm.em.fork();
    const [{ exists }] = await em.execute<{ exists: boolean }[]>(
      `select to_regclass('audit_log') is not null as exists`,
    );
    if (!exists) {
      console.error('数据库中没有审计日志表：请先执行 npm run migrate (audit_log table missing)');
      return 1;
    }
    const [{ staged }] = await em.execute<{ staged: boolean }[]>(
      `select to_regclass('audit_pending') is not null as staged`,
    );
    if (staged) await new AuditService(em, () => new Date()).chainPending();
    const tty = process.stderr.isTTY && !values.json;
    const result = await verifyAuditChain(em, {
      anchors,
      onProgress: tty ? (n) => process.stderr.write(`\r已校验 (checked) ${n} 条…`) : undefined,
    });
    if (tty) process.stderr.write('\n');
    if (values.json) {
      console.log(JSON.stringify(result));
    } else if (result.ok) {
      console.log(
        result.checked
          ? `审计链完整 (audit chain intact): 共 ${result.checked} 条记录校验无误。\n` +
              `链尾 (head): seq ${result.lastSeq} hash ${result.lastHash}\n` +
              `可将链尾记在系统之外，日后以 npm run audit:verify -- --anchor ${result.lastSeq}:${result.lastHash} 复核。`
          : '审计日志为空 (audit chain intact: empty)。',
      );
    } else {
      const b = result.firstBroken!;
      console.log(
        `审计链已损坏 (audit chain BROKEN): 第一处问题在 seq ${b.seq}：${b.problem}\n` +
          `此前 ${result.checked} 条记录完好` +
          (result.lastSeq !== null ? `（最后完好的是 seq ${result.lastSeq}）。` : '。'),
      );
    }
    return result.ok ? 0 : 1;
  },
  { migrate: false },
);
