import { startTestHub, ok, type TestHub } from './helpers/hub';
import { newIdNumber, terminatedCase, hangzhouHub } from './helpers/fixtures';

/** GET /metrics through the real server. */
async function scrape(t: TestHub, authorization?: string): Promise<{ status: number; text: string }> {
  const res = await fetch(t.url.replace(/\/graphql$/, '/metrics'), {
    headers: authorization ? { authorization } : {},
  });
  return { status: res.status, text: await res.text() };
}

/** The value of one sample line, e.g. `hub_duplicate_checks_total{verdict="DUPLICATE"}`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

const person = {
  name: '欧阳慧琳',
  idNumber: newIdNumber('19720318'),
  phone: '13958107264',
  address: '浙江省杭州市上城区望江街道近江家园11幢402室',
};
const FACTS =
  '本人于2017年承包上城区望江街道近江农贸市场摊位，2021年市场拆除时街道承诺按每年4.8万元补偿剩余承包期，至今只发放了第一年补偿，其余9.6万元一直未兑现。';

describe('GET /metrics', () => {
  let t: TestHub;
  let caseId: string;
  beforeAll(async () => {
    let officer: string, reviewer: string;
    ({ t, officer, reviewer } = await hangzhouHub());
    caseId = await terminatedCase(t, officer, reviewer, {
      petitioner: person,
      category: 'LAND_ACQUISITION_DEMOLITION',
      title: '反映近江农贸市场摊位拆除补偿未兑现',
      factsAndReasons: FACTS,
      requests: '要求兑现剩余承包期补偿9.6万元',
    });
  });
  afterAll(() => t.close());

  it('counts operations by name and outcome, and verdicts, with no petitioner value anywhere', async () => {
    const officer = await t.token('CASE_OFFICER', 'ZJ-HZ-ZJ', '王经办');
    const staff = await t.token('DEPARTMENT_STAFF', 'ZJ-HZ-RS', '人社局');
    // The fixtures' unnamed mutations are counted as `anonymous` already.
    const ANON = 'hub_graphql_requests_total{operation="anonymous",code="OK"}';
    const anonBefore = sample((await scrape(t)).text, ANON)!;
    // An officer reads the petitioner in clear (audited), twice.
    const READ = `query OfficerReadsPetitioner($id: ID!) { terminatedCase(id: $id) {
      title factsAndReasons petitioner { clear name idNumber phone address } } }`;
    for (let i = 0; i < 2; i++) {
      const r = ok(await t.gql(READ, { id: caseId }, officer)).terminatedCase;
      expect(r.petitioner).toMatchObject({ clear: true, name: person.name, idNumber: person.idNumber });
    }
    // A department checks with the known ID number and the same facts: DUPLICATE.
    const CHECK = `query CheckBeforeAcceptance($i: DuplicateCheckInput!) { checkDuplicate(input: $i) {
      verdict matches { case { id } } } }`;
    const check = ok(
      await t.gql(CHECK, { i: { idNumber: person.idNumber, name: person.name, content: FACTS } }, staff),
    ).checkDuplicate;
    expect(check.verdict).toBe('DUPLICATE');
    // An unnamed operation, a name carrying digits, and a refused request.
    ok(await t.gql(`{ me { role } }`, {}, staff));
    ok(await t.gql(`query Lookup13958107264 { me { role } }`, {}, staff));
    expect((await t.gql(`query OfficerReadsPetitioner { me { role } }`, {})).status).toBe(401);
    // A resolver error: its code is the outcome.
    const missing = await t.gql(READ, { id: '999999' }, officer);
    expect(missing.errors?.[0].extensions?.code).toBe('NOT_FOUND');

    const { status, text } = await scrape(t);
    expect(status).toBe(200);
    expect(sample(text, 'hub_graphql_requests_total{operation="OfficerReadsPetitioner",code="OK"}')).toBe(2);
    expect(
      sample(text, 'hub_graphql_requests_total{operation="OfficerReadsPetitioner",code="NOT_FOUND"}'),
    ).toBe(1);
    expect(sample(text, 'hub_graphql_requests_total{operation="CheckBeforeAcceptance",code="OK"}')).toBe(1);
    expect(sample(text, ANON)! - anonBefore).toBe(2);
    expect(text).not.toMatch(/Lookup/);
    expect(
      sample(
        text,
        'hub_graphql_request_duration_seconds_count{operation="OfficerReadsPetitioner",code="OK"}',
      ),
    ).toBe(2);
    expect(sample(text, 'hub_graphql_refused_total{code="UNAUTHENTICATED"}')).toBe(1);
    expect(sample(text, 'hub_duplicate_checks_total{verdict="DUPLICATE"}')).toBe(1);
    expect(sample(text, 'hub_duplicate_checks_total{verdict="NO_MATCH"}')).toBe(0);
    expect(sample(text, 'hub_duplicate_search_incomplete_total{reason="OWN_CASES_LIMIT"}')).toBe(0);
    // Pool use and the audit log's length, read at scrape time; process metrics.
    expect(sample(text, 'hub_db_pool_connections{pool="primary",state="used"}')).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'hub_db_pool_connections{pool="primary",state="free"}')).toBeGreaterThan(0);
    expect(sample(text, 'hub_db_pool_connections{pool="primary",state="pending"}')).toBe(0);
    const [{ n }] = await t.sql<{ n: string }>('select max(seq)::text as n from audit_log');
    expect(sample(text, 'hub_audit_log_entries')).toBe(Number(n));
    expect(text).toMatch(/^process_cpu_user_seconds_total /m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds /m);

    // Nothing of the petitioner: not a value, not a fragment of one, not a piece of the facts.
    const fragments = [
      person.name,
      person.name.slice(0, 2),
      person.idNumber,
      person.idNumber.slice(6, 14),
      person.idNumber.slice(-4),
      person.phone,
      person.phone.slice(-4),
      person.address,
      '望江',
      '近江',
      '承包',
      '9.6万',
      '4.8万',
      '农贸市场',
    ];
    // Searched in everything but the sample values: those are the process's own numbers (bytes,
    // seconds), where any four digits may turn up by chance; personal data could only come in
    // through metric names, labels or help texts.
    const words = text
      .split('\n')
      .map((line) => (line.startsWith('#') ? line : line.replace(/ [-+0-9.eE]+( [0-9]+)?$/, '')))
      .join('\n');
    for (const f of fragments)
      expect({ fragment: f, found: words.includes(f) }).toEqual({ fragment: f, found: false });
    // Every label value is a plain identifier: no free text can have slipped in.
    const labelValues = [...text.matchAll(/="([^"]*)"/g)].map((m) => m[1]);
    expect(labelValues.length).toBeGreaterThan(10);
    for (const v of labelValues) expect(v).toMatch(/^[A-Za-z0-9_.+:-]{1,64}$/);
  });
});

describe('GET /metrics: an incomplete duplicate search', () => {
  let t: TestHub;
  beforeAll(async () => {
    let officer: string, reviewer: string;
    ({ t, officer, reviewer } = await hangzhouHub({ DUPLICATE_CHECK_MAX_OWN_CASES: '1' }));
    for (let i = 0; i < 2; i++) await terminatedCase(t, officer, reviewer, { petitioner: person });
  });
  afterAll(() => t.close());

  it('is counted once audited: a check whose audit entry fails is not counted', async () => {
    const staff = await t.token('DEPARTMENT_STAFF', 'ZJ-HZ-RS', '人社局');
    const CHECK = `query($i: DuplicateCheckInput!) { checkDuplicate(input: $i) { verdict complete } }`;
    const input = { i: { idNumber: person.idNumber, content: FACTS } };
    const INCOMPLETE = 'hub_duplicate_search_incomplete_total{reason="OWN_CASES_LIMIT"}';
    // the audit entry of a duplicate check cannot be written
    await t.sql(`create function refuse_check_audit() returns trigger language plpgsql as $$
      begin if new.operation = 'sharing.checkDuplicate' then raise exception 'audit refused'; end if;
      return new; end $$`);
    await t.sql(`create trigger refuse_check_audit before insert on audit_log
      for each row execute function refuse_check_audit()`);
    try {
      expect((await t.gql(CHECK, input, staff)).errors).toBeDefined();
      expect(sample((await scrape(t)).text, INCOMPLETE)).toBe(0);
    } finally {
      await t.sql('drop trigger refuse_check_audit on audit_log');
    }
    expect(ok(await t.gql(CHECK, input, staff)).checkDuplicate.complete).toBe(false);
    expect(sample((await scrape(t)).text, INCOMPLETE)).toBe(1);
  });
});

describe('GET /metrics protection', () => {
  const TOKEN = 'metrics-scraper-4f6c1e9a2b7d';
  const prodEnv = {
    NODE_ENV: 'production',
    AUTH_DEV_SECRET: '',
    AUTH_JWKS_URL: 'https://idp.example.gov.cn/.well-known/jwks.json',
    AUTH_ISSUER: 'https://idp.example.gov.cn',
    AUTH_AUDIENCE: 'petition-hub',
    PERSONAL_DATA_KEYS: 'k1:' + Buffer.alloc(32, 7).toString('base64'),
    BLIND_INDEX_KEY: Buffer.alloc(32, 9).toString('base64'),
  };

  it('answers only the configured bearer token when METRICS_TOKEN is set', async () => {
    const t = await startTestHub({ METRICS_TOKEN: TOKEN });
    try {
      expect((await scrape(t)).status).toBe(401);
      expect((await scrape(t, `Bearer ${TOKEN}x`)).status).toBe(401);
      expect((await scrape(t, `Bearer ${TOKEN.slice(0, -1)}`)).status).toBe(401);
      expect((await scrape(t, `Basic ${TOKEN}`)).status).toBe(401);
      const denied = await scrape(t, 'Bearer wrong');
      expect(denied.text).not.toMatch(/hub_/);
      const allowed = await scrape(t, `Bearer ${TOKEN}`);
      expect(allowed.status).toBe(200);
      expect(allowed.text).toMatch(/^# TYPE hub_graphql_requests_total counter/m);
    } finally {
      await t.close();
    }
  });

  it('is off in production without a token, and on behind one', async () => {
    const off = await startTestHub(prodEnv);
    try {
      const r = await scrape(off);
      expect(r.status).toBe(404);
      expect(r.text).not.toMatch(/hub_|process_/);
    } finally {
      await off.close();
    }
    const on = await startTestHub({ ...prodEnv, METRICS_TOKEN: TOKEN });
    try {
      expect((await scrape(on)).status).toBe(401);
      expect((await scrape(on, `Bearer ${TOKEN}`)).status).toBe(200);
    } finally {
      await on.close();
    }
  });

  it('refuses a short METRICS_TOKEN at start, naming it', async () => {
    await expect(startTestHub({ METRICS_TOKEN: 'short' })).rejects.toThrow(/METRICS_TOKEN/);
  });
});
