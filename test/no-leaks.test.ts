import { startTestHub, ok, errorOf, type TestHub } from './helpers/hub';
import { REGISTER, caseInput, loadDemoUnits, newIdNumber, terminatedCase } from './helpers/fixtures';

/**
 * Personal data must not leave through errors or logs (DESIGN.md §3): neither in responses to
 * malformed input, nor in the log lines the hub writes, nor on stderr.
 */
let t: TestHub;
const idNumber = newIdNumber('19880808');
const person = {
  name: '慕容复兴',
  idNumber,
  phone: '13912345670',
  address: '浙江省杭州市余杭区良渚街道玉鸟路1号',
};
const secrets = [person.name, idNumber, person.phone, '玉鸟路'];
let errorSpy: jest.SpyInstance;

beforeAll(async () => {
  t = await startTestHub();
  await loadDemoUnits(t);
  t.clock.now = new Date('2026-06-01T04:00:00Z');
  errorSpy = jest.spyOn(console, 'error');
});
afterAll(async () => {
  errorSpy.mockRestore();
  await t.close();
});

const noSecret = (text: string) => {
  for (const s of secrets) expect(text).not.toContain(s);
};

describe('no personal data in errors or logs', () => {
  it('a registration with a missing field is refused without quoting what was sent', async () => {
    const officer = await t.token('CASE_OFFICER', 'ZJ-HZ-ZJ');
    const { title: _omit, ...input } = caseInput({}, person);
    const r = await t.gql(REGISTER, { input }, officer);
    expect(errorOf(r).code).toBe('BAD_USER_INPUT');
    expect(errorOf(r).message).toContain('input');
    noSecret(JSON.stringify(r));
  });

  it('a value of the wrong type is refused without quoting it', async () => {
    const officer = await t.token('CASE_OFFICER', 'ZJ-HZ-ZJ');
    const r = await t.gql(
      REGISTER,
      { input: { ...caseInput({}, person), category: person.idNumber } },
      officer,
    );
    expect(errorOf(r).code).toBe('BAD_USER_INPUT');
    noSecret(JSON.stringify(r));
  });

  it('a body that is not JSON is answered in JSON without echoing it, and nothing is printed', async () => {
    const raw = `{"query":"mutation { registerCase(input: { petitioner: { name: \\"${person.name}\\", idNumber: \\"${idNumber}\\" } }) { id } }"`;
    const res = await fetch(t.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: raw,
    });
    expect(res.status).toBe(400);
    const body = await res.text();
    expect(JSON.parse(body).errors[0].extensions.code).toBe('BAD_REQUEST');
    noSecret(body);
    noSecret(errorSpy.mock.calls.map((c) => String(c)).join('\n'));
  });

  it('the logs of a whole working day carry no personal data and no variables', async () => {
    const officer = await t.token('CASE_OFFICER', 'ZJ-HZ-ZJ');
    const reviewer = await t.token('AGENCY_REVIEWER', 'ZJ-HZ');
    const id = await terminatedCase(t, officer, reviewer, { petitioner: person });
    ok(
      await t.gql(
        `query($id: ID!) { case(id: $id) { petitioner { name idNumber phone address } } }`,
        { id },
        officer,
      ),
    );
    const staff = await t.token('DEPARTMENT_STAFF', 'ZJ-HZ-RS');
    ok(
      await t.gql(
        `query($i: DuplicateCheckInput!) { checkDuplicate(input: $i) { verdict } }`,
        {
          i: {
            idNumber,
            name: person.name,
            phone: person.phone,
            content: '本人购买的商品房交付后外墙渗漏，多次报修未果，开发商推诿。',
          },
        },
        staff,
      ),
    );
    await t.gql(REGISTER, { input: caseInput({ acceptedAt: '2099-01-01' }, person) }, officer); // refused
    expect(t.logs.length).toBeGreaterThan(10);
    noSecret(t.logs.join('\n'));
    expect(t.logs.join('\n')).not.toMatch(/"variables"\s*:\s*\{/);
  });
});
