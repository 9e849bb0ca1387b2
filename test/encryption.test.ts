import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { startTestHub, ok, type TestHub } from './helpers/hub';
import { REGISTER, caseInput, loadDemoUnits, newIdNumber } from './helpers/fixtures';

const key = (byte: number) => Buffer.alloc(32, byte).toString('base64');
const K1 = `k1:${key(1)}`;
const K2 = `k2:${key(2)}`;
const ROOT = path.resolve(__dirname, '..');
const CASE = `query($id: ID!) { case(id: $id) { petitioner { clear name idNumber phone address } } }`;

describe('personal data at rest', () => {
  let t: TestHub;
  const person = {
    name: '欧阳晓峰',
    idNumber: newIdNumber('19720809'),
    phone: '13757123456',
    address: '浙江省杭州市滨江区长河街道江南大道288号5幢1802室',
  };
  let caseId: string;
  beforeAll(async () => {
    t = await startTestHub({ PERSONAL_DATA_KEYS: K1 });
    await loadDemoUnits(t);
    caseId = ok(
      await t.gql(REGISTER, { input: caseInput({}, person) }, await t.token('CASE_OFFICER', 'ZJ-HZ-ZJ')),
    ).registerCase.id;
  });
  afterAll(() => t.close());

  it('a plain SQL read of the petitioner table shows none of the values written', async () => {
    // One row per person; the personal data sits, sealed, on each case as registered there.
    expect(Object.keys((await t.sql('select * from petitioner'))[0]).sort()).toEqual([
      'created_at',
      'id',
      'id_number_bidx',
    ]);
    const rows = await t.sql(
      `select row_to_json(c) as row, petitioner_name_enc as name_enc, petitioner_key_id as key_id from petition_case c`,
    );
    const dump = JSON.stringify(rows);
    const ascii = person.idNumber.slice(0, 17);
    for (const v of [
      person.name,
      person.idNumber,
      ascii,
      person.phone,
      person.address,
      '滨江区',
      person.phone.slice(3),
    ]) {
      expect(dump).not.toContain(v);
    }
    expect(rows[0].name_enc).toMatch(/^v1\.k1\./);
    expect(rows[0].key_id).toBe('k1');
  });

  it('rows written under key 1 stay readable after key 2 is added, and the re-encryption command moves them', async () => {
    const both = await startTestHub({ PERSONAL_DATA_KEYS: `${K1},${K2}` }, { databaseUrl: t.databaseUrl });
    try {
      const officer = await both.token('CASE_OFFICER', 'ZJ-HZ-ZJ');
      expect(ok(await both.gql(CASE, { id: caseId }, officer)).case.petitioner).toEqual({
        clear: true,
        ...person,
      });
      // A new registration is sealed under the newest key.
      ok(await both.gql(REGISTER, { input: caseInput({}, { idNumber: newIdNumber('19800808') }) }, officer));
      expect(
        await both.sql(
          `select petitioner_key_id as key_id, count(*)::int as n from petition_case group by 1 order by 1`,
        ),
      ).toEqual([
        { key_id: 'k1', n: 1 },
        { key_id: 'k2', n: 1 },
      ]);

      const run = spawnSync('node', ['-r', '@swc-node/register', 'src/cli/reencrypt.ts'], {
        cwd: ROOT,
        env: {
          ...process.env,
          NODE_ENV: 'test',
          DATABASE_URL: t.databaseUrl,
          PERSONAL_DATA_KEYS: `${K1},${K2}`,
          LOG_LEVEL: 'silent',
        },
        encoding: 'utf8',
      });
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      expect(run.stdout).toContain('重新加密 1 名');
      const rows = await both.sql(
        `select petitioner_key_id as key_id, petitioner_name_enc as name_enc, petitioner_id_number_enc as id_number_enc,
                petitioner_phone_enc as phone_enc, petitioner_address_enc as address_enc from petition_case`,
      );
      for (const r of rows) {
        expect(r.key_id).toBe('k2');
        for (const c of ['name_enc', 'id_number_enc', 'phone_enc', 'address_enc'])
          expect(r[c]).toMatch(/^v1\.k2\./);
      }
    } finally {
      await both.close();
    }
    // Key 1 can now be retired: a hub with key 2 alone reads everything.
    const only2 = await startTestHub({ PERSONAL_DATA_KEYS: K2 }, { databaseUrl: t.databaseUrl });
    try {
      const officer = await only2.token('CASE_OFFICER', 'ZJ-HZ-ZJ');
      expect(ok(await only2.gql(CASE, { id: caseId }, officer)).case.petitioner).toEqual({
        clear: true,
        ...person,
      });
    } finally {
      await only2.close();
    }
  });
});
