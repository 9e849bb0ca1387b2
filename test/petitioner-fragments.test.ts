import { startTestHub, ok, type TestHub } from './helpers/hub';
import { loadDemoUnits, terminatedCase } from './helpers/fixtures';

/**
 * Fragments and directives on the petitioner's personal fields (issue 12): an entitled reader gets
 * the clear value however the query selects it (named fragment, inline fragment, directives), a
 * masked reader the masked value, and the audit names exactly the fields the answer carried.
 */
let t: TestHub;
let officer: string;
let staff: string;
let supervisor: string;
let caseId: string;

const ID_RE = /^330106\d{11}[\dX]$/;

beforeAll(async () => {
  t = await startTestHub();
  await loadDemoUnits(t);
  officer = await t.token('CASE_OFFICER', 'ZJ-HZ-ZJ', '王经办');
  staff = await t.token('DEPARTMENT_STAFF', 'ZJ-HZ-RS', '吴科员');
  supervisor = await t.token('SUPERVISOR', 'ZJ-HZ', '冯监督');
  caseId = await terminatedCase(t, officer, await t.token('AGENCY_REVIEWER', 'ZJ-HZ', '李审核'));
}, 60_000);
afterAll(() => t?.close());

/** Runs a query and returns its petitioner and the clear-read audit entries it caused. */
async function read(query: string, token: string, variables: Record<string, unknown> = {}) {
  const [{ seq }] = await t.sql(`select coalesce(max(seq), 0)::int as seq from audit_log`);
  const data = ok(await t.gql(query, { id: caseId, ...variables }, token));
  const audit = await t.sql(
    `select fields, case_id::text as case_id from audit_log where seq > $1 and operation = 'petitioner.read.clear' order by seq`,
    [seq],
  );
  return { petitioner: data.terminatedCase?.petitioner ?? data.revealPetitioner, audit };
}

it('gives the entitled reader clear values through a named fragment, and audits them', async () => {
  const { petitioner, audit } = await read(
    `query($id: ID!) { terminatedCase(id: $id) { petitioner { clear ...Who } } }
     fragment Who on Petitioner { name idNumber }`,
    officer,
  );
  expect(petitioner).toEqual({ clear: true, name: '俞晓梅', idNumber: expect.stringMatching(ID_RE) });
  expect(audit).toEqual([{ fields: ['name', 'idNumber'], case_id: caseId }]);
});

it('… through an inline fragment, and nested fragments', async () => {
  const inline = await read(
    `query($id: ID!) { terminatedCase(id: $id) { petitioner { ... on Petitioner { phone } } } }`,
    officer,
  );
  expect(inline.petitioner).toEqual({ phone: '13867142593' });
  expect(inline.audit).toEqual([{ fields: ['phone'], case_id: caseId }]);

  const nested = await read(
    `query($id: ID!) { terminatedCase(id: $id) { ...C } }
     fragment C on Case { petitioner { ... { address } ...N } }
     fragment N on Petitioner { name }`,
    officer,
  );
  expect(nested.petitioner).toEqual({
    address: '浙江省杭州市西湖区三墩镇锦澜府7幢1单元1202室',
    name: '俞晓梅',
  });
  expect(nested.audit).toEqual([{ fields: ['name', 'address'], case_id: caseId }]);
});

it('does not read or audit a field left out by @skip or @include', async () => {
  const skipped = await read(
    `query($id: ID!) { terminatedCase(id: $id) { petitioner { name @skip(if: true) idNumber } } }`,
    officer,
  );
  expect(skipped.petitioner).toEqual({ idNumber: expect.stringMatching(ID_RE) });
  expect(skipped.audit).toEqual([{ fields: ['idNumber'], case_id: caseId }]);

  const Q = `query($id: ID!, $show: Boolean!) { terminatedCase(id: $id) {
    petitioner { clear ... @include(if: $show) { name } phone @include(if: $show) } } }`;
  const hidden = await read(Q, officer, { show: false });
  expect(hidden.petitioner).toEqual({ clear: true });
  expect(hidden.audit).toEqual([]);
  const shown = await read(Q, officer, { show: true });
  expect(shown.petitioner).toEqual({ clear: true, name: '俞晓梅', phone: '13867142593' });
  expect(shown.audit).toEqual([{ fields: ['name', 'phone'], case_id: caseId }]);
});

it('gives a masked reader masked values through fragments, with no clear-read entry', async () => {
  const { petitioner, audit } = await read(
    `query($id: ID!) { terminatedCase(id: $id) { petitioner { clear ...Who ... on Petitioner { phone address } } } }
     fragment Who on Petitioner { name idNumber }`,
    staff,
  );
  expect(petitioner).toEqual({
    clear: false,
    name: '俞**',
    idNumber: expect.stringMatching(/^330106\*{8}\d{3}[\dX]$/),
    phone: '138****2593',
    address: '浙江省杭州市西湖区****',
  });
  expect(audit).toEqual([]);
});

it("a supervisor's reveal through a fragment shows and audits the fields selected", async () => {
  const { petitioner, audit } = await read(
    `mutation($id: ID!) { revealPetitioner(caseId: $id, reason: "核查回访") { ...Who } }
     fragment Who on Petitioner { idNumber }`,
    supervisor,
  );
  expect(petitioner).toEqual({ idNumber: expect.stringMatching(ID_RE) });
  expect(audit).toEqual([{ fields: ['idNumber'], case_id: caseId }]);
});
