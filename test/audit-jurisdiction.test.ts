import { startTestHub, ok, type TestHub } from './helpers/hub';
import { loadDemoUnits, terminatedCase } from './helpers/fixtures';
import { UnitService } from '../src/modules/org/unit.service';
import { AuditService } from '../src/modules/audit/audit.service';
import { UnitKind } from '../src/modules/org/unit.entity';

/**
 * The audit log within the supervisor's jurisdiction (issue 12): a supervisor reads what the users
 * of its unit and the units below did, and what anyone did to a case handled there; not the blind
 * indexes, reveal reasons and clear reads of another city's cases and staff. A supervisor of the
 * top-level unit reads its whole tree, and nothing of a separate tree.
 */
let t: TestHub;
let tk: Record<string, string>;
let hzCase: string;
let wzCase: string;

const LOG = `query($filter: AuditLogFilter) { auditLog(first: 200, filter: $filter) {
  totalCount nodes { seq unitCode operation caseId reason } } }`;
const READ = `query($id: ID!) { terminatedCase(id: $id) { petitioner { name idNumber } } }`;
const REVEAL = `mutation($id: ID!, $r: String!) { revealPetitioner(caseId: $id, reason: $r) { name } }`;
const CHECK = `query($i: DuplicateCheckInput!) { checkDuplicate(input: $i) { verdict } }`;

type Entry = {
  seq: number;
  unitCode: string;
  operation: string;
  caseId: string | null;
  reason: string | null;
};
const log = async (token: string, filter: Record<string, unknown> = {}) => {
  const d = ok(await t.gql(LOG, { filter }, token)).auditLog;
  expect(d.totalCount).toBe(d.nodes.length);
  return d.nodes as Entry[];
};

beforeAll(async () => {
  t = await startTestHub();
  await loadDemoUnits(t);
  tk = {
    hzOfficer: await t.token('CASE_OFFICER', 'ZJ-HZ-ZJ', '王经办'),
    hzReviewer: await t.token('AGENCY_REVIEWER', 'ZJ-HZ', '李审核'),
    hzStaff: await t.token('DEPARTMENT_STAFF', 'ZJ-HZ-RS', '吴科员'),
    wzStaff: await t.token('DEPARTMENT_STAFF', 'ZJ-WZ-MZ', '温科员'),
    wzOfficer: await t.token('CASE_OFFICER', 'ZJ-WZ-OH-ZJ', '陈经办'),
    wzReviewer: await t.token('AGENCY_REVIEWER', 'ZJ-WZ-OH', '周审核'),
    hzSupervisor: await t.token('SUPERVISOR', 'ZJ-HZ', '冯监督'),
    wzSupervisor: await t.token('SUPERVISOR', 'ZJ-WZ', '何监督'),
    zjSupervisor: await t.token('SUPERVISOR', 'ZJ', '郑监督'),
  };
  hzCase = await terminatedCase(t, tk.hzOfficer, tk.hzReviewer);
  wzCase = await terminatedCase(t, tk.wzOfficer, tk.wzReviewer);
  ok(await t.gql(READ, { id: hzCase }, tk.hzOfficer));
  ok(await t.gql(READ, { id: wzCase }, tk.wzOfficer));
  ok(await t.gql(REVEAL, { id: hzCase, r: '杭州核查回访情况' }, tk.hzSupervisor));
  ok(await t.gql(REVEAL, { id: wzCase, r: '温州核对回访情况' }, tk.wzSupervisor));
  ok(
    await t.gql(
      CHECK,
      { i: { idNumber: '11010519491231002X', content: '商品房交付后外墙渗漏多次报修未果' } },
      tk.hzStaff,
    ),
  );
  ok(
    await t.gql(
      CHECK,
      { i: { idNumber: '11010519491231002X', content: '老旧小区改造施工导致一楼住户进水' } },
      tk.wzStaff,
    ),
  );
}, 120_000);
afterAll(() => t?.close());

const inWz = (e: Entry) => e.unitCode.startsWith('ZJ-WZ');

it("keeps another city's cases and staff out of a city supervisor's log", async () => {
  const wz = await log(tk.wzSupervisor);
  expect(wz.length).toBeGreaterThan(0);
  // each entry is a Wenzhou user's act, or an act on a Wenzhou case
  for (const e of wz) expect(inWz(e) || e.caseId === wzCase).toBe(true);
  expect(wz.some((e) => e.caseId === wzCase && e.operation.includes('clear'))).toBe(true);
  // not Hangzhou's clear reads, its supervisor's reveal reason, or its staff's duplicate check
  expect(wz.filter((e) => e.unitCode.startsWith('ZJ-HZ'))).toEqual([]);
  expect(wz.map((e) => e.reason)).not.toContain('杭州核查回访情况');
  expect(wz.filter((e) => e.reason).map((e) => e.reason)).toEqual(['温州核对回访情况']);
  expect(await log(tk.wzSupervisor, { caseId: hzCase })).toEqual([]);
  expect(
    (await log(tk.wzSupervisor, { operation: 'sharing.checkDuplicate' })).map((e) => e.unitCode),
  ).toEqual(['ZJ-WZ-MZ']);
});

it('shows a city supervisor its own staff and cases, and an act on its case by anyone', async () => {
  const hz = await log(tk.hzSupervisor);
  for (const e of hz) expect(e.unitCode.startsWith('ZJ-HZ') || e.caseId === hzCase).toBe(true);
  expect(hz.filter((e) => e.reason).map((e) => e.reason)).toEqual(['杭州核查回访情况']);
  expect(hz.filter((e) => e.operation === 'sharing.checkDuplicate').map((e) => e.unitCode)).toEqual([
    'ZJ-HZ-RS',
  ]);
  expect(hz.some((e) => e.caseId === wzCase)).toBe(false);
  // an entry about a Hangzhou case written by someone outside (here: the province's supervisor)
  ok(await t.gql(REVEAL, { id: hzCase, r: '省级抽查' }, tk.zjSupervisor));
  const about = await log(tk.hzSupervisor, { caseId: hzCase, operation: 'petitioner.reveal' });
  expect(about.map((e) => [e.unitCode, e.reason])).toEqual([
    ['ZJ', '省级抽查'],
    ['ZJ-HZ', '杭州核查回访情况'],
  ]);
  expect(await log(tk.wzSupervisor, { operation: 'petitioner.reveal', caseId: hzCase })).toEqual([]);
});

it('shows the province supervisor the whole log', async () => {
  const [{ n }] = await t.sql(`select count(*)::int as n from audit_log`);
  const all = await log(tk.zjSupervisor);
  expect(all.length).toBe(n);
});

it("keeps a separate unit tree's root supervisor out of this tree's log", async () => {
  // a second top-level unit: its own tree, no part of Zhejiang's
  const em = t.orm.em.fork();
  const admin = {
    userId: 'test:admin',
    name: '测试管理员',
    role: 'ADMIN',
    unitId: 0,
    unitCode: 'JS',
    unitKind: UnitKind.PETITION_AGENCY,
    unitPath: '',
  } as const;
  await new UnitService(em, new AuditService(em, () => new Date())).create(admin, {
    code: 'JS',
    kind: UnitKind.PETITION_AGENCY,
    name: '江苏省信访局',
    parentCode: null,
  });
  const js = await log(await t.token('SUPERVISOR', 'JS', '江监督'));
  expect(js.filter((e) => e.unitCode.startsWith('ZJ') || e.caseId !== null)).toEqual([]);
  expect(js.filter((e) => e.reason)).toEqual([]);
  // the province supervisor still reads its own tree, reveal reasons included
  expect((await log(tk.zjSupervisor)).map((e) => e.reason)).toContain('温州核对回访情况');
});

it('shows a reason typed into the log redacted: a reveal reason naming the petitioner does not name them', async () => {
  const person = { name: '俞晓梅', phone: '13867142593' };
  ok(
    await t.gql(
      REVEAL,
      { id: hzCase, r: `核对${person.name}（${person.phone}）的回访情况` },
      tk.zjSupervisor,
    ),
  );
  for (const reader of [tk.hzSupervisor, tk.zjSupervisor]) {
    const [entry] = await log(reader, { caseId: hzCase, operation: 'petitioner.reveal' });
    expect(entry.reason).toBe('核对俞**（138****2593）的回访情况');
  }
});
