import fs from 'node:fs';
import path from 'node:path';
import { startTestHub, type TestHub } from './hub';
import { createDemoUnits } from '../../src/db/seeders/DemoSeeder';
import { idNumberCheckChar } from '../../src/modules/petitioner/identity';
import { todayInChina } from '../../src/shared/dates';

/**
 * The hub most follow-up tests start from: its own database with the demo units, the clock at
 * 2026-06-01 12:00 China time, and the two people of the walk-through: 王经办, case officer of
 * 杭州市住建局 (ZJ-HZ-ZJ), and 李审核, reviewer of 杭州市信访局 (ZJ-HZ), the nearest petition
 * agency above it (the one that examines its terminations and receives its escalation reports).
 */
export async function hangzhouHub(
  env: Record<string, string> = {},
): Promise<{ t: TestHub; officer: string; reviewer: string }> {
  const t = await startTestHub(env);
  await loadDemoUnits(t);
  t.clock.now = new Date('2026-06-01T04:00:00Z');
  const officer = await t.token('CASE_OFFICER', 'ZJ-HZ-ZJ', '王经办');
  const reviewer = await t.token('AGENCY_REVIEWER', 'ZJ-HZ', '李审核');
  return { t, officer, reviewer };
}

/** Loads the demo unit tree into a test hub's database through the real UnitService. */
export async function loadDemoUnits(t: Pick<TestHub, 'orm'>) {
  await createDemoUnits(t.orm.em.fork(), { userId: 'test:admin', name: '测试管理员' });
}

let serial = 100;
/** A fresh, valid (GB 11643) ID number each call. */
export function newIdNumber(birth = '19800101'): string {
  const first17 = `330106${birth}${String(serial++).padStart(3, '0')}`;
  return first17 + idNumberCheckChar(first17);
}

export const REGISTER = `mutation($input: RegisterCaseInput!) { registerCase(input: $input) { id status } }`;
export const STEP = `mutation($input: RecordStepInput!) { recordStep(input: $input) { id } }`;
export const REQUEST = `mutation($id: ID!, $kind: StepKind!, $at: LocalDate!) { recordRequest(caseId: $id, kind: $kind, requestedAt: $at) { id } }`;
export const REPEAT = `mutation($id: ID!, $at: LocalDate!) { recordRepeatSubmission(caseId: $id, submittedAt: $at, note: "以同一事实和理由再次来访") { id } }`;
export const APPLY = `mutation($id: ID!, $c: TerminationCondition!) { applyForTermination(caseId: $id, condition: $c, statement: "符合终结条件") { id status examiningUnit { code } } }`;
export const APPROVE = `mutation($id: ID!) { approveTermination(applicationId: $id) { id status decisionNumber decidedAt } }`;
export const RETURN = `mutation($id: ID!, $r: String!) { returnTermination(applicationId: $id, reasons: $r) { id status returnReasons } }`;
export const NOTIFY = `mutation($id: ID!, $at: LocalDate!) { notifyTermination(caseId: $id, notifiedAt: $at, deliveryMethod: IN_PERSON, explanation: "已当面送达终结告知书并解释") { id notifiedAt } }`;

export function caseInput(over: Record<string, unknown> = {}, petitioner: Record<string, unknown> = {}) {
  return {
    petitioner: {
      name: '俞晓梅',
      idNumber: newIdNumber(),
      phone: '13867142593',
      address: '浙江省杭州市西湖区三墩镇锦澜府7幢1单元1202室',
      ...petitioner,
    },
    category: 'URBAN_CONSTRUCTION_HOUSING',
    title: '反映锦澜府小区商品房渗漏维修问题',
    factsAndReasons: '本人购买的商品房交付后外墙渗漏，多次报修未果，开发商推诿。',
    requests: '要求开发商维修并赔偿损失',
    acceptedAt: '2026-01-05',
    acceptanceOpinion: '符合受理条件，予以受理',
    acceptanceDeliveredAt: '2026-01-06',
    ...over,
  };
}

/**
 * Walks a case through acceptance, handling, review and (optionally) re-review as the given
 * officer; returns the case id. Dates are fixed in 2026; the test clock must be after them.
 */
export async function caseThroughProcedure(
  t: TestHub,
  officer: string,
  opts: { reReview?: boolean; repeat?: boolean; input?: Record<string, unknown> } = {},
): Promise<string> {
  const { ok } = await import('./hub');
  const id = ok(await t.gql(REGISTER, { input: caseInput(opts.input) }, officer)).registerCase.id;
  const step = async (kind: string, decidedAt: string, deliveredAt: string) =>
    ok(
      await t.gql(
        STEP,
        { input: { caseId: id, kind, opinion: `${kind} 书面意见`, decidedAt, deliveredAt } },
        officer,
      ),
    );
  await step('HANDLING', '2026-02-10', '2026-02-12');
  ok(await t.gql(REQUEST, { id, kind: 'REVIEW', at: '2026-02-20' }, officer));
  await step('REVIEW', '2026-03-10', '2026-03-12');
  if (opts.reReview) {
    ok(await t.gql(REQUEST, { id, kind: 'RE_REVIEW', at: '2026-03-20' }, officer));
    await step('RE_REVIEW', '2026-04-10', '2026-04-12');
    if (opts.repeat) ok(await t.gql(REPEAT, { id, at: '2026-05-01' }, officer));
  }
  return id;
}

/**
 * A case walked all the way to TERMINATED (re-review, repeat submission, approval, notice) by
 * the ZJ-HZ-ZJ officer and the ZJ-HZ reviewer. Returns the case id.
 */
export async function terminatedCase(
  t: TestHub,
  officer: string,
  reviewer: string,
  input: Record<string, unknown> = {},
): Promise<string> {
  const { ok } = await import('./hub');
  const id = await caseThroughProcedure(t, officer, { reReview: true, repeat: true, input });
  const app = ok(await t.gql(APPLY, { id, c: 'REPEAT_AFTER_RE_REVIEW' }, officer)).applyForTermination;
  ok(await t.gql(APPROVE, { id: app.id }, reviewer));
  ok(await t.gql(NOTIFY, { id, at: todayInChina(t.clock.now) }, officer));
  return id;
}

/** Imports a JSONL file as `npm run import` does: the whole file validated first, then written. */
export async function importFile(t: TestHub, file: string) {
  const { importData, validateImportFile } = await import('../../src/modules/import/import.service');
  const parsed = await validateImportFile(file, { em: t.orm.em.fork() });
  if (parsed.errors.length)
    throw new Error(`import file refused: ${JSON.stringify(parsed.errors.slice(0, 5))}`);
  return importData(
    t.orm.em.fork(),
    t.hub.deps,
    { userId: 'test:import', name: '导入', role: 'ADMIN', unitCode: 'SYSTEM' },
    parsed,
  );
}

/** The unit lines of the dup-dev set's import file (test/fixtures/dup-dev): the tree its cases need. */
export function devSetUnitLines(): string[] {
  return fs
    .readFileSync(path.resolve(__dirname, '../fixtures/dup-dev/import.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.includes('"kind": "unit"'));
}
