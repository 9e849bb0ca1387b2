import { createHash } from 'node:crypto';
import { ok, errorOf, type TestHub } from './helpers/hub';
import { signDevToken } from '../src/auth/tokens';
import { REGISTER, caseInput, terminatedCase, hangzhouHub } from './helpers/fixtures';
import { ADD_DOC, ARCHIVE, CORRECT_DOC, REQUIRED_KINDS, download, upload } from './helpers/followup';

const MAX = 64 * 1024;
let t: TestHub;
let officer: string; // ZJ-HZ-ZJ, the handling unit
let reviewer: string; // ZJ-HZ, the examining agency
let caseId: string;

beforeAll(async () => {
  ({ t, officer, reviewer } = await hangzhouHub({ FILE_MAX_BYTES: String(MAX) }));
  caseId = await terminatedCase(t, officer, reviewer);
  t.clock.now = new Date('2026-06-10T04:00:00Z');
});
afterAll(() => t.close());

/** Another officer of the handling unit (a different user id). */
const colleague = () =>
  signDevToken(t.config, { role: 'CASE_OFFICER', unitCode: 'ZJ-HZ-ZJ', name: '赵经办', userId: 'dev:zhao' });

const doc = (kind: string, over: Record<string, unknown> = {}) => ({
  caseId,
  kind,
  title: `${kind} 材料`,
  documentDate: '2026-05-20',
  issuingUnit: '杭州市住房和城乡建设局',
  text: `${kind} 的文字内容，信访人俞晓梅`,
  ...over,
});

describe('the archive is created at termination and reports what is missing', () => {
  it('exists right after notification, with every required item missing', async () => {
    const rows = await t.sql(`select id from termination_archive where case_id = $1`, [caseId]);
    expect(rows).toHaveLength(1);
    const a = ok(await t.gql(ARCHIVE, { id: caseId }, officer)).followUp.archive;
    expect(a.complete).toBe(false);
    expect(a.missing).toEqual(REQUIRED_KINDS);
    expect(a.requirements[0]).toEqual({
      kind: 'PETITIONER_INFO',
      label: '信访人基本情况',
      documents: 0,
      present: false,
    });
  });

  it('becomes complete once every required item is added (OTHER is optional)', async () => {
    ok(await t.gql(ADD_DOC, { input: doc('OTHER') }, officer));
    let a = ok(await t.gql(ARCHIVE, { id: caseId }, officer)).followUp.archive;
    expect(a.missing).toHaveLength(8);
    const kinds = REQUIRED_KINDS.filter((k) => k !== 'NOTIFICATION');
    for (const k of kinds) ok(await t.gql(ADD_DOC, { input: doc(k) }, officer));
    a = ok(await t.gql(ARCHIVE, { id: caseId }, officer)).followUp.archive;
    expect(a.missing).toEqual(['NOTIFICATION']);
    expect(a.complete).toBe(false);
    ok(await t.gql(ADD_DOC, { input: doc('NOTIFICATION') }, officer));
    a = ok(await t.gql(ARCHIVE, { id: caseId }, officer)).followUp.archive;
    expect(a).toMatchObject({ complete: true, missing: [] });
    expect(a.documents).toHaveLength(9);
    expect(a.requirements.every((r: any) => r.present && r.documents === 1)).toBe(true);
  });

  it('does not require re-review materials of a case terminated without a re-review', async () => {
    const { caseThroughProcedure, APPLY, APPROVE, NOTIFY } = await import('./helpers/fixtures');
    t.clock.now = new Date('2026-06-01T04:00:00Z');
    const id = await caseThroughProcedure(t, officer);
    const app = ok(await t.gql(APPLY, { id, c: 'NO_NEW_REQUEST_IN_TIME' }, officer)).applyForTermination;
    ok(await t.gql(APPROVE, { id: app.id }, reviewer));
    ok(await t.gql(NOTIFY, { id, at: '2026-06-01' }, officer));
    t.clock.now = new Date('2026-06-10T04:00:00Z');
    const a = ok(await t.gql(ARCHIVE, { id }, officer)).followUp.archive;
    expect(a.missing).not.toContain('RE_REVIEW');
    expect(a.missing).toHaveLength(7);
  });

  it('is created on first access for a terminated case that has none (e.g. imported)', async () => {
    t.clock.now = new Date('2026-06-01T04:00:00Z');
    const id = await terminatedCase(t, officer, reviewer);
    t.clock.now = new Date('2026-06-10T04:00:00Z');
    await t.sql(`delete from termination_archive where case_id = $1`, [id]);
    const a = ok(await t.gql(ARCHIVE, { id }, officer)).followUp.archive;
    expect(a.missing).toHaveLength(8);
    const audit = await t.sql(
      `select details from audit_log where operation = 'archive.create' and case_id = $1`,
      [id],
    );
    expect(audit).toHaveLength(1);
    expect(audit[0].details).toMatchObject({ onFirstAccess: true });
  });

  it('ensureArchives creates the missing archives of many terminated cases in one statement', async () => {
    const { ensureArchives } = await import('../src/modules/followup');
    t.clock.now = new Date('2026-06-01T04:00:00Z');
    const id = await terminatedCase(t, officer, reviewer);
    t.clock.now = new Date('2026-06-10T04:00:00Z');
    const open = ok(await t.gql(REGISTER, { input: caseInput() }, officer)).registerCase.id;
    await t.sql(`delete from termination_archive where case_id = $1`, [id]);
    const em = t.orm.em.fork();
    expect(
      await em.transactional((tem) => ensureArchives(tem, [Number(id), Number(open), Number(caseId)])),
    ).toBe(1);
    const rows = await t.sql(`select case_id from termination_archive where case_id = any($1::int[])`, [
      [id, open],
    ]);
    expect(rows.map((r: any) => String(r.case_id))).toEqual([id]);
  });
});

describe('documents and versions', () => {
  it('adds a document with an uploaded file: SHA-256 and size stored, file downloadable by the entitled', async () => {
    const content = Buffer.from('%PDF-1.4 信访终结决定书 扫描件 '.repeat(100));
    const up = await upload(t, officer, content, { name: '俞晓梅-终结决定书.pdf' });
    expect(up.status).toBe(201);
    const sha = createHash('sha256').update(content).digest('hex');
    expect(up.body).toMatchObject({ sha256: sha, size: content.length, contentType: 'application/pdf' });
    const added = ok(
      await t.gql(ADD_DOC, { input: doc('DECISION', { text: null, fileId: up.body.id }) }, officer),
    ).addArchiveDocument;
    expect(added.current).toMatchObject({
      version: 1,
      hasText: false,
      text: null,
      file: { id: up.body.id, sha256: sha, sizeBytes: content.length, name: '俞晓梅-终结决定书.pdf' },
    });
    // At rest the file is sealed: neither the bytes nor the name are in the database in clear.
    const [row] = await t.sql(`select content, name_enc from stored_file where id = $1`, [up.body.id]);
    expect(Buffer.from(row.content).includes(Buffer.from('信访终结决定书'))).toBe(false);
    expect(row.name_enc).not.toContain('俞晓梅');

    for (const token of [officer, reviewer, await t.token('CASE_OFFICER', 'ZJ-HZ')]) {
      const d = await download(t, token, up.body.id);
      expect(d.status).toBe(200);
      expect(d.bytes.equals(content)).toBe(true);
      expect(d.headers.get('x-content-sha256')).toBe(sha);
      expect(d.headers.get('content-disposition')).toContain(encodeURIComponent('俞晓梅-终结决定书.pdf'));
    }
    const audited = await t.sql(
      `select count(*)::int as n from audit_log where operation = 'archive.file.download' and case_id = $1`,
      [caseId],
    );
    expect(audited[0].n).toBe(3);
  });

  it('refuses a file over the limit with 413 and a Chinese message, and stores nothing', async () => {
    const before = await t.sql(`select count(*)::int as n from stored_file`);
    const r = await upload(t, officer, Buffer.alloc(MAX + 1, 1));
    expect(r.status).toBe(413);
    expect(r.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(r.body.error.message).toContain('文件超过大小上限');
    expect(r.body.error.message).toContain(String(MAX));
    const exact = await upload(t, officer, Buffer.alloc(MAX, 1));
    expect(exact.status).toBe(201);
    const far = await upload(t, officer, Buffer.alloc(MAX * 4, 1));
    expect(far.status).toBe(413);
    const after = await t.sql(`select count(*)::int as n from stored_file`);
    expect(after[0].n).toBe(before[0].n + 1);
  });

  it('refuses uploads without a token, from a wrong role, without a file, or not multipart', async () => {
    expect((await upload(t, null, 'x')).status).toBe(401);
    const staff = await upload(t, await t.token('DEPARTMENT_STAFF', 'ZJ-HZ-ZJ'), 'x');
    expect(staff).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } });
    const wrongField = await upload(t, officer, 'x', { field: 'document' });
    expect(wrongField).toMatchObject({ status: 400, body: { error: { code: 'BAD_USER_INPUT' } } });
    const json = await fetch(t.url.replace(/\/graphql$/, '/files'), {
      method: 'POST',
      headers: { authorization: `Bearer ${officer}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(json.status).toBe(415);
  });

  it('a correction adds a version and keeps the old one, with who and why', async () => {
    const added = ok(
      await t.gql(ADD_DOC, { input: doc('HANDLING', { title: '办理意见书' }) }, officer),
    ).addArchiveDocument;
    const other = await colleague();
    const corrected = ok(
      await t.gql(
        CORRECT_DOC,
        { input: { documentId: added.id, reason: '原录入漏了送达回证', text: '办理意见书全文及送达回证' } },
        other,
      ),
    ).correctArchiveDocument;
    expect(corrected.current).toMatchObject({
      version: 2,
      title: '办理意见书',
      text: '办理意见书全文及送达回证',
      correctionReason: '原录入漏了送达回证',
      createdBy: '赵经办',
    });
    expect(corrected.versions.map((v: any) => [v.version, v.text, v.createdBy])).toEqual([
      [1, 'HANDLING 的文字内容，信访人俞晓梅', '王经办'],
      [2, '办理意见书全文及送达回证', '赵经办'],
    ]);
    // The database itself refuses to change or delete a version.
    await expect(
      t.sql(`update archive_document_version set title = 'x' where document_id = $1`, [added.id]),
    ).rejects.toThrow(/只能新增/);
    await expect(
      t.sql(`delete from archive_document_version where document_id = $1`, [added.id]),
    ).rejects.toThrow(/只能新增/);
    const same = errorOf(
      await t.gql(
        CORRECT_DOC,
        { input: { documentId: added.id, reason: '再改一次', title: '办理意见书' } },
        officer,
      ),
    );
    expect(same.code).toBe('BAD_USER_INPUT');
    expect(same.message).toContain('与当前版本相同');
    const noReason = errorOf(
      await t.gql(CORRECT_DOC, { input: { documentId: added.id, reason: ' ', title: '新标题' } }, officer),
    );
    expect(noReason.extensions.fields).toEqual([{ field: 'reason', message: '更正原因不能为空' }]);
  });

  it('reports every missing or bad field at once', async () => {
    const e = errorOf(
      await t.gql(
        ADD_DOC,
        {
          input: {
            caseId,
            kind: 'DECISION',
            title: '',
            documentDate: '2026-06-11',
            issuingUnit: ' ',
            text: null,
          },
        },
        officer,
      ),
    );
    expect(e.code).toBe('BAD_USER_INPUT');
    expect(e.extensions.fields.map((f: any) => f.field).sort()).toEqual([
      'documentDate',
      'issuingUnit',
      'text',
      'title',
    ]);
    // A documentDate that is no day at all (LocalDate) is refused at the edge, before the service.
    const noDay = errorOf(
      await t.gql(ADD_DOC, { input: doc('OTHER', { documentDate: '2026-13-01' }) }, officer),
    );
    expect(noDay.code).toBe('BAD_USER_INPUT');
    expect(noDay.extensions.fields.map((f: any) => f.field)).toEqual(['$input.documentDate']);
    const future = errorOf(
      await t.gql(ADD_DOC, { input: doc('OTHER', { documentDate: '2026-06-11' }) }, officer),
    );
    expect(future.extensions.fields).toEqual([{ field: 'documentDate', message: '日期不能晚于今天' }]);
  });

  it('refuses the wrong role, the wrong unit and a case not terminated', async () => {
    for (const [role, unit] of [
      ['AGENCY_REVIEWER', 'ZJ-HZ'],
      ['SUPERVISOR', 'ZJ'],
      ['DEPARTMENT_STAFF', 'ZJ-HZ-ZJ'],
      ['ADMIN', 'ZJ'],
    ] as const) {
      expect(errorOf(await t.gql(ADD_DOC, { input: doc('OTHER') }, await t.token(role, unit))).code).toBe(
        'FORBIDDEN',
      );
    }
    const elsewhere = await t.token('CASE_OFFICER', 'ZJ-WZ-MZ');
    expect(errorOf(await t.gql(ADD_DOC, { input: doc('OTHER') }, elsewhere)).code).toBe('NOT_FOUND');
    const above = await t.token('CASE_OFFICER', 'ZJ-HZ');
    expect(errorOf(await t.gql(ADD_DOC, { input: doc('OTHER') }, above)).code).toBe('FORBIDDEN');
    const open = ok(await t.gql(REGISTER, { input: caseInput() }, officer)).registerCase.id;
    const e = errorOf(await t.gql(ADD_DOC, { input: doc('OTHER', { caseId: open }) }, officer));
    expect(e.code).toBe('CONFLICT');
    expect(e.message).toContain('尚未终结');
    expect(errorOf(await t.gql(ARCHIVE, { id: open }, officer)).code).toBe('CONFLICT');
  });

  it("refuses another unit's file, and a file already in another case's archive", async () => {
    const up = await upload(t, officer, 'scan', { name: 'a.pdf' });
    ok(await t.gql(ADD_DOC, { input: doc('OTHER', { text: null, fileId: up.body.id }) }, officer));
    t.clock.now = new Date('2026-06-01T04:00:00Z');
    const second = await terminatedCase(t, officer, reviewer);
    t.clock.now = new Date('2026-06-10T04:00:00Z');
    const e = errorOf(
      await t.gql(ADD_DOC, { input: doc('OTHER', { caseId: second, fileId: up.body.id }) }, officer),
    );
    expect(e.code).toBe('CONFLICT');
    const rs = await t.token('CASE_OFFICER', 'ZJ-HZ-RS');
    const theirs = await upload(t, rs, 'theirs');
    const f = errorOf(await t.gql(ADD_DOC, { input: doc('OTHER', { fileId: theirs.body.id }) }, officer));
    expect(f.extensions.fields).toEqual([{ field: 'fileId', message: expect.stringContaining('本单位') }]);
  });

  it('downloads are refused to everyone not entitled to the personal data, as NOT_FOUND or FORBIDDEN', async () => {
    const up = await upload(t, officer, 'secret scan');
    // Not attached yet: only the uploader.
    expect((await download(t, officer, up.body.id)).status).toBe(200);
    expect((await download(t, await colleague(), up.body.id)).status).toBe(404);
    ok(await t.gql(ADD_DOC, { input: doc('OTHER', { fileId: up.body.id }) }, officer));
    const refused: [string, string, number][] = [
      ['SUPERVISOR', 'ZJ', 403],
      ['ADMIN', 'ZJ', 403],
      ['DEPARTMENT_STAFF', 'ZJ-HZ-ZJ', 403],
      ['AGENCY_REVIEWER', 'ZJ', 404],
      ['AGENCY_REVIEWER', 'ZJ-WZ', 404],
      ['CASE_OFFICER', 'ZJ-WZ-MZ', 404],
    ];
    for (const [role, unit, status] of refused) {
      const d = await download(t, await t.token(role as any, unit), up.body.id);
      expect([role, unit, d.status]).toEqual([role, unit, status]);
      expect(d.bytes.toString()).not.toContain('secret scan');
    }
    const missing = await download(t, officer, '999999');
    expect(missing.status).toBe(404);
    expect(missing.json.error.message).toBe('文件不存在或不在您的管辖范围内');
    expect((await download(t, null, up.body.id)).status).toBe(401);
  });
});

describe('safe retries', () => {
  it('same key twice → one document; same key, different input → CONFLICT', async () => {
    const input = doc('OTHER', { title: '补充材料', idempotencyKey: 'doc-7f3a' });
    const first = ok(await t.gql(ADD_DOC, { input }, officer)).addArchiveDocument;
    const again = ok(await t.gql(ADD_DOC, { input }, officer)).addArchiveDocument;
    expect(again.id).toBe(first.id);
    const n = await t.sql(
      `select count(*)::int as n from archive_document where id = $1 or (case_id = $2 and kind = 'OTHER' and id > $1)`,
      [first.id, caseId],
    );
    expect(n[0].n).toBe(1);
    const audits = await t.sql(
      `select count(*)::int as n from audit_log where operation = 'archive.addDocument' and details->>'documentId' = $1`,
      [first.id],
    );
    expect(audits[0].n).toBe(1);
    const changed = errorOf(await t.gql(ADD_DOC, { input: { ...input, title: '另一份' } }, officer));
    expect(changed.code).toBe('CONFLICT');
    expect(changed.message).toContain('幂等键');
    // The key is the user's own: another user may use the same key for their own request.
    const other = await colleague();
    const theirs = ok(await t.gql(ADD_DOC, { input }, other)).addArchiveDocument;
    expect(theirs.id).not.toBe(first.id);
  });

  it('a retried upload with the same Idempotency-Key stores one file', async () => {
    const headers = { 'idempotency-key': 'upload-1' };
    const a = await upload(t, officer, 'same bytes', { headers });
    const b = await upload(t, officer, 'same bytes', { headers });
    expect(b.status).toBe(201);
    expect(b.body.id).toBe(a.body.id);
    const c = await upload(t, officer, 'other bytes', { headers });
    expect(c).toMatchObject({ status: 409, body: { error: { code: 'CONFLICT' } } });
  });

  it('concurrent retries with one key write once', async () => {
    const input = doc('OTHER', { title: '并发重试', idempotencyKey: 'doc-concurrent' });
    const results = await Promise.all([1, 2, 3].map(() => t.gql(ADD_DOC, { input }, officer)));
    const ids = results.map((r) => ok(r).addArchiveDocument.id);
    expect(new Set(ids).size).toBe(1);
  });
});
