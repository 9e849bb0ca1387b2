import { startTestHub, ok, type TestHub } from './helpers/hub';
import { REGISTER, caseInput, devSetUnitLines } from './helpers/fixtures';
import { importData, validateImportFile } from '../src/modules/import/import.service';
import { readerText } from '../src/modules/petitioner/reader-text';
import { PetitionerService } from '../src/modules/petitioner/petitioner.service';
import { createServices } from '../src/services';
import { createLoaders } from '../src/graphql/loaders';
import type { Context } from '../src/graphql/context';
import { UnitKind } from '../src/modules/org/unit.entity';

/**
 * Issue 11, the sharing page: a masked reader's case title is redacted when the case is written
 * (`petition_case.masked_title`, sharing/search-text.ts) and read from there, without opening the
 * petitioner's record. What a masked reader sees must be exactly what the redactor gave before
 * (readerText on the case), for titles that carry the petitioner's name, phone, ID number or
 * address and for titles that carry none; a clear reader still reads the original; the stored
 * title follows a re-import that changes the petitioner or the title; registration and the
 * background backfill write it.
 */
let t: TestHub;
let staff: string;
let officer: string;

const units = devSetUnitLines();

const P1 = {
  name: '沈丽华',
  idNumber: '330102196212309387',
  phone: '13757108462',
  address: '浙江省杭州市上城区采荷街道芙蓉新村21幢1单元102室',
};
const P2 = {
  name: '李国强',
  idNumber: '330304197105266172',
  phone: '15968771023',
  address: '浙江省温州市瓯海区新桥街道新桥新村11幢102室',
};
const TITLES: Record<string, [typeof P1, string]> = {
  'MT-NAME': [P1, '沈丽华反映芙蓉新村加装电梯审批问题'],
  'MT-GIVEN': [P1, '丽华 反映电梯井道距离问题'],
  'MT-PHONE': [P1, '来电137-5710-8462反映加装电梯问题'],
  'MT-ID': [P2, '身份证330304197105266172的信访人反映进水问题'],
  'MT-ADDR': [P2, '反映新桥新村11幢102室进水问题'],
  'MT-STRANGER': [P2, '反映13912345678号码骚扰问题'],
  'MT-PLAIN': [P2, '反映老旧小区改造施工导致进水问题'],
};

function caseLine(externalRef: string, petitioner: typeof P1, title: string): string {
  return JSON.stringify({
    kind: 'case',
    externalRef,
    handlingUnitCode: 'ZJ-HZ-ZJ',
    category: 'URBAN_CONSTRUCTION_HOUSING',
    petitioner,
    title,
    factsAndReasons: '2022年7月，该单元住户申请加装电梯，电梯井道紧贴本人卧室窗户外侧。',
    requests: '撤销加装电梯审批',
    acceptedAt: '2025-01-06',
    handledAt: '2025-03-01',
    reviewedAt: '2025-04-20',
    reReviewedAt: '2025-06-10',
    handlingOpinion: '不予支持',
    reviewOpinion: '维持',
    reReviewOpinion: '复核维持',
    termination: {
      condition: 'REPEAT_AFTER_RE_REVIEW',
      approvedAt: '2025-08-01',
      approvingUnitCode: 'ZJ-HZ',
      notifiedAt: '2025-08-05',
      decisionNumber: `杭信终字〔2025〕第${Object.keys(TITLES).indexOf(externalRef) + 1}号`,
    },
  });
}

async function importLines(lines: string[]) {
  const parsed = await validateImportFile([...units, ...lines], { em: t.orm.em.fork() });
  expect(parsed.errors).toEqual([]);
  await importData(
    t.orm.em.fork(),
    t.hub.deps,
    { userId: 'test:import', name: '导入', role: 'ADMIN', unitCode: 'SYSTEM' },
    parsed,
  );
}

/** The redactor path as it was: readerText for a department's staff, opening the record. */
async function redactorTitle(caseId: number, title: string): Promise<string> {
  const em = t.orm.em.fork();
  const { deps } = t.hub;
  const ctx = {
    actor: {
      userId: 'test:staff',
      name: '吴科员',
      role: 'DEPARTMENT_STAFF',
      unitId: 0,
      unitCode: 'ZJ-HZ-RS',
      unitKind: UnitKind.DEPARTMENT,
      unitPath: 'zj.hz.rs',
    },
    em,
    services: createServices(em, deps),
    loaders: createLoaders(em, deps.unitTree),
  } as unknown as Context;
  return readerText(ctx, { caseIds: [caseId] }, title);
}

const PAGE = `query { terminatedCases(first: 50) { nodes { id title } } }`;
const ONE = `query($id: ID!) { terminatedCase(id: $id) { id title } }`;
async function pageTitles(token: string): Promise<Map<string, string>> {
  const nodes = ok(await t.gql(PAGE, {}, token)).terminatedCases.nodes as { id: string; title: string }[];
  return new Map(nodes.map((n) => [n.id, n.title]));
}
async function stored(): Promise<{ id: number; ref: string; title: string; masked_title: string | null }[]> {
  return t.sql(
    `select id, external_ref as ref, title, masked_title from petition_case where external_ref like 'MT-%' order by id`,
  );
}

beforeAll(async () => {
  t = await startTestHub();
  t.clock.now = new Date('2026-03-01T04:00:00Z');
  await importLines(Object.entries(TITLES).map(([ref, [p, title]]) => caseLine(ref, p, title)));
  staff = await t.token('DEPARTMENT_STAFF', 'ZJ-HZ-RS', '吴科员');
  officer = await t.token('CASE_OFFICER', 'ZJ-HZ-ZJ', '王经办');
});
afterAll(() => t?.close());

describe('a masked reader reads the title redacted when the case was written', () => {
  it('the import writes it, equal to what the redactor gives', async () => {
    const rows = await stored();
    expect(rows).toHaveLength(Object.keys(TITLES).length);
    for (const r of rows) expect(r.masked_title).toBe(await redactorTitle(r.id, r.title));
    const byRef = new Map(rows.map((r) => [r.ref, r.masked_title]));
    // the petitioner's own values are gone, shapes of strangers too, a plain title stays
    expect(byRef.get('MT-NAME')).toBe('沈**反映****加装电梯审批问题');
    expect(byRef.get('MT-PHONE')).toBe('来电137****8462反映加装电梯问题');
    expect(byRef.get('MT-ID')).not.toContain('330304197105266172');
    expect(byRef.get('MT-ADDR')).not.toContain('11幢102室');
    expect(byRef.get('MT-STRANGER')).not.toContain('13912345678');
    expect(byRef.get('MT-PLAIN')).toBe(TITLES['MT-PLAIN'][1]);
  });

  it('the page and the single case give a masked reader exactly the redactor’s title; a clear reader the original', async () => {
    const rows = await stored();
    const masked = await pageTitles(staff);
    const clear = await pageTitles(officer);
    for (const r of rows) {
      const want = await redactorTitle(r.id, r.title);
      expect(masked.get(String(r.id))).toBe(want);
      expect(ok(await t.gql(ONE, { id: String(r.id) }, staff)).terminatedCase.title).toBe(want);
      expect(clear.get(String(r.id))).toBe(r.title);
      expect(ok(await t.gql(ONE, { id: String(r.id) }, officer)).terminatedCase.title).toBe(r.title);
    }
  });

  it('reads the stored title, not the record: a masked reader gets what is stored', async () => {
    const [r] = (await stored()).filter((x) => x.ref === 'MT-NAME');
    await t.sql(`update petition_case set masked_title = '（已存的脱敏标题）' where id = $1`, [r.id]);
    try {
      expect((await pageTitles(staff)).get(String(r.id))).toBe('（已存的脱敏标题）');
      expect((await pageTitles(officer)).get(String(r.id))).toBe(r.title);
    } finally {
      await t.sql(`update petition_case set masked_title = $2 where id = $1`, [r.id, r.masked_title]);
    }
  });

  it('a case without one yet (written before it was kept) goes through the redactor, and the backfill fills it', async () => {
    await t.sql(`update petition_case set masked_title = null where external_ref like 'MT-%'`);
    const rows = await stored();
    const masked = await pageTitles(staff);
    for (const r of rows) expect(masked.get(String(r.id))).toBe(await redactorTitle(r.id, r.title));
    const filled = await new PetitionerService(t.orm.em.fork(), t.hub.deps).deriveMissingMasks();
    expect(filled).toBeGreaterThanOrEqual(rows.length);
    for (const r of await stored()) expect(r.masked_title).toBe(await redactorTitle(r.id, r.title));
  });
});

describe('the stored title follows the data it is derived from', () => {
  it('a re-import that changes the petitioner or the title rewrites it', async () => {
    // the same case, now recorded with P2 as its petitioner; another with a new title
    await importLines([
      caseLine('MT-NAME', P2, TITLES['MT-NAME'][1]),
      caseLine('MT-PLAIN', P2, '李国强反映进水问题'),
    ]);
    const byRef = new Map((await stored()).map((r) => [r.ref, r]));
    const name = byRef.get('MT-NAME')!;
    // 沈丽华 is no longer this case's petitioner: her name is not redacted against it any more
    expect(name.masked_title).toBe(await redactorTitle(name.id, name.title));
    expect(name.masked_title).toBe('沈丽华反映芙蓉新村加装电梯审批问题');
    const plain = byRef.get('MT-PLAIN')!;
    expect(plain.masked_title).toBe('李**反映进水问题');
    expect((await pageTitles(staff)).get(String(plain.id))).toBe('李**反映进水问题');
  });

  it('registration writes it', async () => {
    const input = caseInput({ title: '俞晓梅反映锦澜府7幢1单元1202室渗漏，电话13867142593' });
    const id = ok(await t.gql(REGISTER, { input }, officer)).registerCase.id;
    const [r] = await t.sql(`select title, masked_title from petition_case where id = $1`, [id]);
    expect(r.masked_title).toBe(await redactorTitle(Number(id), r.title));
    expect(r.masked_title).not.toContain('晓梅');
    expect(r.masked_title).not.toContain('13867142593');
  });
});
