import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startTestHub, type TestHub } from './helpers/hub';
import { createDeps } from '../src/services';
import type { Deps } from '../src/shared/deps';
import {
  formatLineError,
  importData,
  ImportRejectedError,
  validateImportFile,
  type ImportSource,
} from '../src/modules/import/import.service';
import { idNumberCheckChar } from '../src/modules/petitioner/identity';
import { PetitionCase } from '../src/modules/case/case.entity';
import { Petitioner } from '../src/modules/petitioner/petitioner.entity';
import { PetitionerService } from '../src/modules/petitioner/petitioner.service';
import { UnitService } from '../src/modules/org/unit.service';
import { contentIndexText } from '../src/modules/sharing/duplicate-method';
import { verifyAuditChain } from '../src/modules/audit/audit.verify';

/** The development duplicate set, a fixture of the repository (test/fixtures/dup-dev). */
const DEV_SET = path.resolve(__dirname, 'fixtures/dup-dev/import.jsonl');
const ROOT = path.resolve(__dirname, '..');
const actor = { userId: 'test:import', name: '历史数据导入', role: 'ADMIN', unitCode: 'SYSTEM' };

jest.setTimeout(120_000);

let t: TestHub;
let deps: Deps;
const devLines = fs
  .readFileSync(DEV_SET, 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '');
const devRecords = devLines.map((l) => JSON.parse(l) as Record<string, any>);
const devCase = (ref: string) => structuredClone(devRecords.find((r) => r.externalRef === ref)!);
const devUnits = devLines.slice(0, 12);

beforeAll(async () => {
  t = await startTestHub();
  deps = createDeps(t.config, () => new Date(t.clock.now));
});
afterAll(() => t?.close());

const validate = (source: ImportSource) =>
  validateImportFile(source, { em: t.orm.em.fork(), now: () => new Date(t.clock.now) });

async function runImport(source: ImportSource) {
  const parsed = await validate(source);
  return {
    parsed,
    result: await importData(t.orm.em.fork(), deps, actor, parsed, undefined, { fileName: 'x.jsonl' }),
  };
}

const TABLES = [
  'unit',
  'petitioner',
  'petition_case',
  'case_step',
  'termination_application',
  'decision_number_counter',
];
async function counts(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of TABLES)
    out[table] = Number((await t.sql(`select count(*)::int as n from ${table}`))[0].n);
  return out;
}
const auditRuns = async () =>
  Number((await t.sql(`select count(*)::int as n from audit_log where operation = 'import.run'`))[0].n);

/** The same ID number with a wrong check character. */
function withWrongCheckChar(id: string): string {
  const right = idNumberCheckChar(id.slice(0, 17));
  return id.slice(0, 17) + (right === '1' ? '2' : '1');
}

describe('a file with bad lines', () => {
  const badId = withWrongCheckChar(devCase('D-0003').petitioner.idNumber);
  const lines = (() => {
    const l: string[] = [...devUnits]; // lines 1-12
    l.push(JSON.stringify(devCase('D-0001'))); // 13: good
    l.push('{"kind": "case", "externalRef": "D-0002", "title": '); // 14: bad JSON
    const c3 = devCase('D-0003');
    c3.petitioner.idNumber = badId;
    l.push(JSON.stringify(c3)); // 15: ID check character
    const c4 = devCase('D-0004');
    c4.handlingUnitCode = 'ZJ-NOWHERE';
    c4.petitioner.phone = '12345';
    l.push(JSON.stringify(c4)); // 16: unknown unit, and a bad phone: both reported
    const c5 = devCase('D-0005');
    c5.handledAt = '2022-10-01'; // accepted 2022-10-11
    l.push(JSON.stringify(c5)); // 17: dates out of order
    const c6 = devCase('D-0006');
    delete c6.title;
    l.push(JSON.stringify(c6)); // 18: missing field
    l.push(JSON.stringify({ kind: 'person', name: 'x' })); // 19: unknown kind
    l.push(JSON.stringify(devCase('D-0001'))); // 20: duplicate externalRef (of line 13)
    const c7 = devCase('D-0007');
    c7.termination.approvingUnitCode = 'ZJ';
    l.push(JSON.stringify(c7)); // 21: not the nearest agency above ZJ-HZ-RS
    const c8 = devCase('D-0008');
    c8.reReviewedAt = null;
    c8.reReviewOpinion = null;
    l.push(JSON.stringify(c8)); // 22: REPEAT_AFTER_RE_REVIEW without re-review
    const c9 = devCase('D-0009');
    c9.petitioner.phone = '23867142593';
    c9.category = 'WEATHER';
    l.push(JSON.stringify(c9)); // 23: bad phone and bad category: both reported
    const c10 = devCase('D-0010');
    c10.termination.notifiedAt = '2999-01-01';
    l.push(JSON.stringify(c10)); // 24: in the future
    l.push(''); // 25: blank lines are skipped
    const c11 = devCase('D-0041');
    c11.reviewedAt = '2025-09-01';
    c11.reviewOpinion = '维持';
    l.push(JSON.stringify(c11)); // 26: review without handling
    const unit = (code: string, parentCode: string) =>
      JSON.stringify({ kind: 'unit', code, name: code, unitKind: 'DEPARTMENT', parentCode });
    l.push(unit('ZJ-HZ-LATE-A', 'ZJ-HZ-LATE')); // 27: parent defined only on the next line
    l.push(unit('ZJ-HZ-LATE', 'ZJ-HZ')); // 28: good
    return l;
  })();

  it('reports every bad line with its reasons, and imports nothing', async () => {
    const before = await counts();
    const parsed = await validate(lines);
    const byLine = new Map(parsed.errors.map((e) => [e.line, e.reasons.join('; ')]));
    expect([...byLine.keys()]).toEqual([14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 26, 27]);
    expect(byLine.get(14)).toMatch(/JSON/);
    expect(byLine.get(15)).toMatch(/petitioner\.idNumber：身份证号码校验位错误/);
    expect(byLine.get(16)).toMatch(/handlingUnitCode：承办单位 ZJ-NOWHERE 不存在/);
    expect(byLine.get(16)).toMatch(/petitioner\.phone：/);
    expect(byLine.get(17)).toMatch(/handledAt：办理日期不能早于受理日期/);
    expect(byLine.get(18)).toMatch(/title：缺少必填字段/);
    expect(byLine.get(19)).toMatch(/kind/);
    expect(byLine.get(20)).toMatch(/与第 13 行重复/);
    expect(byLine.get(21)).toMatch(/最近的信访工作机构 ZJ-HZ/);
    expect(byLine.get(22)).toMatch(/REPEAT_AFTER_RE_REVIEW 须有复核/);
    expect(byLine.get(23)).toMatch(/petitioner\.phone/);
    expect(byLine.get(23)).toMatch(/category/);
    expect(byLine.get(24)).toMatch(/termination\.notifiedAt：告知日期不能晚于今天/);
    expect(byLine.get(26)).toMatch(/没有办理就不能有复查/);
    expect(byLine.get(27)).toMatch(/parentCode：上级单位 ZJ-HZ-LATE 在第 28 行才定义/);
    // Personal data is never echoed: not the bad ID number, nor the line the JSON parser choked on.
    const printed = parsed.errors.map(formatLineError).join('\n');
    expect(printed).not.toContain(badId.slice(0, 17));
    expect(printed).toMatch(/^第 14 行: /m);

    await expect(
      importData(t.orm.em.fork(), deps, actor, parsed, undefined, { fileName: 'bad.jsonl' }),
    ).rejects.toBeInstanceOf(ImportRejectedError);
    expect(await counts()).toEqual(before);
    expect(await auditRuns()).toBe(0);
  });
});

describe('the dev set', () => {
  beforeAll(async () => {
    await runImport(DEV_SET);
  });

  it('imports 12 units, 45 cases, 40 terminated with their decisions', async () => {
    expect(await counts()).toEqual({
      unit: 12,
      petitioner: 45,
      petition_case: 45,
      case_step: 161,
      termination_application: 40,
      decision_number_counter: 3,
    });
    // Every imported terminated case has its archive (DESIGN.md §2.3).
    expect((await t.sql(`select count(*)::int as n from termination_archive`))[0].n).toBe(40);
    const status = await t.sql(
      `select status, count(*)::int as n from petition_case group by status order by status`,
    );
    expect(status).toEqual([
      { status: 'IN_PROGRESS', n: 5 },
      { status: 'TERMINATED', n: 40 },
    ]);
    const apps = await t.sql(
      `select c.external_ref, t.decision_number, t.status, t.statement, t.delivery_method, u.code as examining,
              t.decided_at::text as decided_at, t.notified_at::text as notified_at, c.terminated_at::text as terminated_at
         from termination_application t join petition_case c on c.id = t.case_id join unit u on u.id = t.examining_unit_id`,
    );
    expect(apps).toHaveLength(40);
    for (const a of apps) {
      const term = devCase(a.external_ref).termination;
      expect(a).toMatchObject({
        decision_number: term.decisionNumber,
        status: 'APPROVED',
        statement: '历史数据导入',
        delivery_method: null,
        examining: term.approvingUnitCode,
        decided_at: term.approvedAt,
        notified_at: term.notifiedAt,
        terminated_at: term.notifiedAt,
      });
    }
    // Later approvals continue after the highest imported number of the agency and year.
    const counters = await t.sql(
      `select u.code, d.year, d.last_n from decision_number_counter d join unit u on u.id = d.agency_unit_id order by u.code`,
    );
    expect(counters).toEqual([
      { code: 'ZJ-HZ', year: 2024, last_n: 126 },
      { code: 'ZJ-WZ', year: 2024, last_n: 130 },
      { code: 'ZJ-WZ-OH', year: 2024, last_n: 115 },
    ]);
  });

  it('builds the unit tree as UnitService does', async () => {
    const units = new UnitService(t.orm.em.fork());
    expect((await units.nearestAgencyAbove('ZJ-WZ-OH-NY'))!.code).toBe('ZJ-WZ-OH');
    expect((await units.nearestAgencyAbove('ZJ-HZ-RS'))!.code).toBe('ZJ-HZ');
    expect((await units.ancestors('ZJ-WZ-OH-ZJ')).map((u) => u.code)).toEqual(['ZJ', 'ZJ-WZ', 'ZJ-WZ-OH']);
    const [root] = await t.sql(`select id, path::text as path from unit where code = 'ZJ'`);
    expect(root.path).toBe(String(root.id));
  });

  it('records the steps, request dates and duplicate-check text', async () => {
    const d1 = devCase('D-0001');
    const steps = await t.sql(
      `select s.kind, s.opinion, s.decided_at::text as decided, s.delivered_at::text as delivered
         from case_step s join petition_case c on c.id = s.case_id where c.external_ref = 'D-0001' order by s.decided_at`,
    );
    expect(steps).toEqual([
      { kind: 'ACCEPTANCE', opinion: '受理', decided: d1.acceptedAt, delivered: null },
      { kind: 'HANDLING', opinion: d1.handlingOpinion, decided: d1.handledAt, delivered: d1.handledAt },
      { kind: 'REVIEW', opinion: d1.reviewOpinion, decided: d1.reviewedAt, delivered: d1.reviewedAt },
      {
        kind: 'RE_REVIEW',
        opinion: d1.reReviewOpinion,
        decided: d1.reReviewedAt,
        delivered: d1.reReviewedAt,
      },
    ]);
    const [c] = await t.sql(
      `select review_requested_at::text as rr, re_review_requested_at::text as rrr, dup_text, title
         from petition_case where external_ref = 'D-0001'`,
    );
    expect(c).toEqual({
      rr: d1.handledAt,
      rrr: d1.reviewedAt,
      dup_text: contentIndexText(`${d1.factsAndReasons}\n${d1.requests}`),
      title: d1.title,
    });
    const [open] = await t.sql(
      `select status, review_requested_at, re_review_requested_at from petition_case where external_ref = 'D-0042'`,
    );
    expect(open).toEqual({ status: 'IN_PROGRESS', review_requested_at: null, re_review_requested_at: null });
  });

  it('stores petitioners encrypted (one row per person, their data sealed on each case), openable by PetitionerService', async () => {
    const dump = (
      await t.sql(
        `select row_to_json(p)::text as j from petitioner p union all select row_to_json(c)::text from petition_case c`,
      )
    )
      .map((r) => r.j)
      .join('\n');
    const em = t.orm.em.fork();
    const service = new PetitionerService(em, deps);
    for (const r of devRecords.filter((x) => x.kind === 'case')) {
      const p = r.petitioner;
      for (const clear of [p.name, p.idNumber, p.phone, p.address]) expect(dump).not.toContain(clear);
      const row = await em.findOneOrFail(PetitionCase, { externalRef: r.externalRef });
      expect(row.petitioner.id).toBe(
        (await em.findOneOrFail(Petitioner, { idNumberBidx: deps.blindIndex.idNumber(p.idNumber)! })).id,
      );
      expect(service.open(row.petitionerRecord)).toEqual({
        name: p.name,
        idNumber: p.idNumber,
        phone: p.phone,
        address: p.address,
      });
      expect(row.petitionerRecord.namePhoneBidx).toBe(deps.blindIndex.namePhone(p.name, p.phone));
    }
  });

  it('writes one audit entry for the run, and the chain holds', async () => {
    const rows = await t.sql(`select user_id, details from audit_log where operation = 'import.run'`);
    expect(rows).toHaveLength(1);
    expect(rows[0].user_id).toBe('test:import');
    expect(rows[0].details).toMatchObject({
      file: 'x.jsonl',
      units: { created: 12, updated: 0 },
      cases: { created: 45, updated: 0, terminated: 40, open: 5 },
      petitioners: { created: 45, updated: 0 },
    });
    expect((await verifyAuditChain(t.orm.em.fork())).ok).toBe(true);
  });

  it('updates on re-import instead of duplicating, and applies changes', async () => {
    const before = await counts();
    const [unitBefore] = await t.sql(`select id, path::text as path from unit where code = 'ZJ-HZ-RS'`);
    const again = await runImport(DEV_SET);
    expect(again.result.cases).toEqual({ created: 0, updated: 45, terminated: 40, open: 5 });
    expect(await counts()).toEqual(before);

    // A changed title, a renamed unit, a step taken back: the file wins.
    const changed = devLines.map((line) => {
      const r = JSON.parse(line);
      if (r.externalRef === 'D-0001') r.title = '反映锦澜府小区商品房渗漏问题（更正）';
      if (r.code === 'ZJ-HZ-RS') r.name = '杭州市人力社保局';
      if (r.externalRef === 'D-0045') Object.assign(r, { reReviewedAt: null, reReviewOpinion: null });
      return JSON.stringify(r);
    });
    await runImport(changed);
    expect(await counts()).toEqual({ ...before, case_step: before.case_step - 1 });
    const [c] = await t.sql(`select title, version from petition_case where external_ref = 'D-0001'`);
    expect(c.title).toBe('反映锦澜府小区商品房渗漏问题（更正）');
    expect(c.version).toBe(3);
    const [u] = await t.sql(`select id, name, path::text as path from unit where code = 'ZJ-HZ-RS'`);
    expect(u).toEqual({ ...unitBefore, name: '杭州市人力社保局' });
    const [d45] = await t.sql(
      `select re_review_requested_at, (select count(*)::int from case_step s where s.case_id = c.id) as steps
         from petition_case c where external_ref = 'D-0045'`,
    );
    expect(d45).toEqual({ re_review_requested_at: null, steps: 3 });
    expect(await auditRuns()).toBe(3);

    await runImport(DEV_SET); // back to the file as it is
    expect(await counts()).toEqual(before);
  });

  it('refuses re-imports that clash with what the hub holds', async () => {
    const before = await counts();
    const untermination = devCase('D-0002');
    delete untermination.termination;
    const stolen = devCase('D-0041'); // open in the file
    Object.assign(stolen, {
      handledAt: '2025-05-01',
      handlingOpinion: '办理意见',
      reviewedAt: '2025-06-01',
      reviewOpinion: '复查意见',
      termination: {
        condition: 'NO_NEW_REQUEST_IN_TIME',
        decisionNumber: devCase('D-0001').termination.decisionNumber,
        approvedAt: '2025-08-01',
        approvingUnitCode: 'ZJ-HZ',
        notifiedAt: '2025-08-02',
      },
    });
    const unitMoved = JSON.stringify({
      kind: 'unit',
      code: 'ZJ-HZ-RS',
      name: 'x',
      unitKind: 'DEPARTMENT',
      parentCode: 'ZJ',
    });
    const parsed = await validate([JSON.stringify(untermination), JSON.stringify(stolen), unitMoved]);
    expect(parsed.errors.map(formatLineError)).toEqual([
      expect.stringMatching(/^第 1 行: termination：事项 D-0002 在系统中已终结，导入不会撤销终结/),
      expect.stringMatching(/^第 2 行: termination\.decisionNumber：终结决定文号已被系统中的另一事项使用/),
      expect.stringMatching(/^第 3 行: parentCode：单位 ZJ-HZ-RS 已在系统中，上级单位为 ZJ-HZ/),
    ]);
    expect(await counts()).toEqual(before);
  });
});

describe('npm run import (the command)', () => {
  const run = async (file: string) => {
    try {
      const { stdout, stderr } = await promisify(execFile)(
        process.execPath,
        ['-r', '@swc-node/register', 'src/cli/import.ts', file],
        {
          cwd: ROOT,
          env: { ...process.env, DATABASE_URL: t.databaseUrl, NODE_ENV: 'test' },
          maxBuffer: 16 << 20,
        },
      );
      return { code: 0, stdout, stderr };
    } catch (e: any) {
      return { code: e.code as number, stdout: e.stdout as string, stderr: e.stderr as string };
    }
  };

  it('prints every bad line and exits 1 importing nothing; imports a good file and exits 0', async () => {
    const before = await counts();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-import-'));
    const bad = path.join(dir, 'bad.jsonl');
    const c = devCase('D-0003');
    c.petitioner.idNumber = withWrongCheckChar(c.petitioner.idNumber);
    const d = devCase('D-0004');
    d.reviewedAt = '2023-01-01'; // before handledAt
    fs.writeFileSync(bad, [...devUnits, 'not json', JSON.stringify(c), JSON.stringify(d)].join('\n') + '\n');
    const failed = await run(bad);
    fs.rmSync(dir, { recursive: true, force: true });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/^第 13 行: 不是有效的 JSON/m);
    expect(failed.stderr).toMatch(/^第 14 行: petitioner\.idNumber：身份证号码校验位错误$/m);
    expect(failed.stderr).toMatch(/^第 15 行: reviewedAt：复查日期不能早于办理日期/m);
    expect(failed.stderr).toMatch(/共 3 行有问题，未导入任何数据/);
    expect(failed.stderr).not.toContain(c.petitioner.idNumber.slice(0, 17));
    expect(await counts()).toEqual(before);

    const ok = await run(DEV_SET);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/导入完成/);
    expect(ok.stdout).toMatch(/信访事项 \(cases\): +新增 0, 更新 45（已终结 40, 办理中 5）/);
    expect(await counts()).toEqual(before);

    const missing = await run(path.join(os.tmpdir(), 'no-such-file.jsonl'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/无法读取导入文件/);
  });
});
