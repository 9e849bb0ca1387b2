import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { runCli } from './bootstrap';
import { createDeps } from '../services';
import {
  formatLineError,
  importData,
  ImportRejectedError,
  validateImportFile,
  type ImportProgress,
} from '../modules/import/import.service';
import type { AuditActor } from '../modules/audit/audit.service';

/**
 * npm run import -- FILE.jsonl
 *
 * Loads historical units and cases (DESIGN.md §4). The whole file is checked first; on any bad
 * line every bad line is printed (`第 N 行: reason; reason`) and nothing is imported (exit 1).
 * Otherwise everything is written in one transaction, with one audit entry for the run.
 * Exit codes: 0 imported, 1 bad lines or failure, 2 bad arguments.
 */
const USAGE = '用法 (usage): npm run import -- FILE.jsonl';

let file: string;
try {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { help: { type: 'boolean', short: 'h', default: false } },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  if (positionals.length !== 1) throw new Error('请指定一个导入文件 (exactly one FILE.jsonl expected)');
  file = path.resolve(positionals[0]);
} catch (e) {
  console.error(`${(e as Error).message}\n${USAGE}`);
  process.exit(2);
}
try {
  if (!fs.statSync(file).isFile()) throw new Error('not a file');
  fs.accessSync(file, fs.constants.R_OK);
} catch {
  console.error(`无法读取导入文件 (cannot read file): ${file}`);
  process.exit(1);
}

/** The command acts as the system, on behalf of the operating-system user who ran it. */
function importActor(): AuditActor {
  let user = 'unknown';
  try {
    user = os.userInfo().username;
  } catch {
    // no passwd entry (some containers): keep "unknown"
  }
  return { userId: `system:import:${user}`, name: '历史数据导入', role: 'ADMIN', unitCode: 'SYSTEM' };
}

/** A bar on a terminal; elsewhere (CI, logs, pipes) a plain line every 10 % or 5 seconds. */
function progressReporter(): { update: (p: ImportProgress) => void; stop: () => void } {
  if (process.stdout.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        format: '导入信访事项 [{bar}] {percentage}% | {value}/{total} | 剩余 {eta_formatted}',
        stream: process.stdout,
        hideCursor: true,
        etaBuffer: 20,
      },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      update: ({ done, total }) => {
        if (!started) {
          bar.start(total, done);
          started = true;
        } else bar.update(done);
      },
      stop: () => started && bar.stop(),
    };
  }
  let lastAt = 0;
  let lastTenth = -1;
  return {
    update: ({ done, total }) => {
      const tenth = total ? Math.floor((done * 10) / total) : 10;
      const now = Date.now();
      if (done === total || tenth > lastTenth || now - lastAt >= 5000) {
        console.log(`导入信访事项 (importing cases): ${done}/${total}`);
        lastAt = now;
        lastTenth = tenth;
      }
    },
    stop: () => {},
  };
}

void runCli(async ({ config, orm }) => {
  const deps = createDeps(config);
  const em = orm.em.fork();
  const started = Date.now();
  console.log(`检查导入文件 (checking) ${file} …`);
  const parsed = await validateImportFile(file, {
    em,
    now: deps.now,
    onLine: process.stdout.isTTY
      ? (n) => {
          if (n % 10_000 === 0) process.stdout.write(`\r已检查 ${n} 行…`);
        }
      : undefined,
  });
  if (process.stdout.isTTY) process.stdout.write('\r\x1b[K');
  if (parsed.errors.length) {
    for (const e of parsed.errors) console.error(formatLineError(e));
    console.error(
      `共 ${parsed.errors.length} 行有问题，未导入任何数据 (${parsed.errors.length} bad lines, nothing imported).`,
    );
    return 1;
  }
  if (!parsed.units.length && !parsed.cases.length) {
    console.error('文件中没有任何记录，未导入 (the file has no records).');
    return 1;
  }
  console.log(
    `文件检查通过 (file OK): ${parsed.units.length} 个单位, ${parsed.cases.length} 件信访事项, 用时 ${seconds(started)} 秒`,
  );

  const progress = progressReporter();
  const importStarted = Date.now();
  try {
    const r = await importData(em, deps, importActor(), parsed, progress.update, {
      fileName: path.basename(file),
    });
    progress.stop();
    const s = (Date.now() - importStarted) / 1000;
    console.log(
      [
        `导入完成 (imported) 用时 ${s.toFixed(1)} 秒 (${Math.round(parsed.cases.length / Math.max(s, 0.001))} 件/秒):`,
        `  单位 (units):        新增 ${r.units.created}, 已存在并更新 ${r.units.updated}`,
        `  信访事项 (cases):    新增 ${r.cases.created}, 更新 ${r.cases.updated}（已终结 ${r.cases.terminated}, 办理中 ${r.cases.open}）`,
        `  信访人 (petitioners): 新增 ${r.petitioners.created}, 更新 ${r.petitioners.updated}`,
        `  办理环节 (steps):    ${r.steps}`,
        `  终结决定 (decisions): 新增 ${r.terminations.created}, 更新 ${r.terminations.updated}`,
      ].join('\n'),
    );
    return 0;
  } catch (e) {
    progress.stop();
    if (e instanceof ImportRejectedError) {
      // The database changed between the check and the import.
      for (const line of e.errors) console.error(formatLineError(line));
      console.error(`共 ${e.errors.length} 行有问题，未导入任何数据 (nothing imported).`);
      return 1;
    }
    // The transaction rolled back. The driver's message starts with the whole statement and its
    // parameters (megabytes of case text): print only the database's own reason.
    const msg = e instanceof Error ? e.message : String(e);
    const reason = msg.includes(' - ') ? msg.slice(msg.lastIndexOf(' - ') + 3) : msg;
    console.error(`导入失败，已回滚，未导入任何数据 (import failed, rolled back): ${reason.slice(0, 500)}`);
    return 1;
  }
});

function seconds(since: number): string {
  return ((Date.now() - since) / 1000).toFixed(1);
}
