import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Actor } from '../../auth/actor';
import type { Deps } from '../../shared/deps';
import { ForbiddenError, NotFoundError, Problems } from '../../errors';
import type { AuditService } from '../audit/audit.service';
import { PetitionCase } from '../case/case.entity';
import { UnitService } from '../org/unit.service';
import { visibilityFor } from '../../access/visibility';
import { StoredFile } from './followup.entity';
import { fileCipherFor } from './file-cipher';
import { checkIdempotencyKey, writeOnce } from './idempotency';
import { SEALED_COLUMN, openText, sealText } from './sealed-text';

/**
 * Where uploaded files live, and why: in PostgreSQL (`stored_file.content`, bytea), sealed with
 * AES-256-GCM (file-cipher.ts), not in a directory.
 * - The hub keeps no state of its own (DESIGN.md §6): several instances run behind a load
 *   balancer, and a local directory would be on one of them only. PostgreSQL is already the
 *   shared, replicated, backed-up store; a file then comes with the same backup, restore,
 *   replicas and point-in-time recovery as the records that cite it.
 * - The file row, its attachment to a document version and the audit entry commit together or
 *   not at all: no orphaned or half-written files on disk, no record citing a missing file.
 * - Archived materials are personal data: sealed in the application, a database dump reveals
 *   nothing, just like the petitioner's fields.
 * The price is database size: hence a size limit (FILE_MAX_BYTES, default 10 MiB, at most
 * 100 MiB) and content read only by id, never with a list. PostgreSQL stores large bytea values
 * out of line (TOAST), so the rows that list files stay small. Should volumes outgrow that,
 * this service is the one place to move the bytes to an object store.
 */

/** Content types served back as they are; anything else is downloaded as application/octet-stream. */
const SAFE_CONTENT_TYPES = new Set([
  'application/pdf',
  'image/jpeg',
  'image/png',
  'image/tiff',
  'image/gif',
  'application/ofd',
  'application/msword',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.ms-excel',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'text/plain',
  'application/zip',
]);

export interface UploadData {
  fileName: string;
  contentType: string;
  content: Buffer;
  idempotencyKey?: string | null;
}

export interface FileDownload {
  file: StoredFile;
  fileName: string;
  contentType: string;
  content: Buffer;
}

export function safeContentType(declared: string): string {
  const t = declared.toLowerCase().split(';')[0].trim();
  return SAFE_CONTENT_TYPES.has(t) ? t : 'application/octet-stream';
}

export class FileService {
  constructor(
    private readonly em: EntityManager,
    private readonly deps: Deps,
    private readonly audit: AuditService,
  ) {}

  /** Stores an uploaded file for the actor's unit (case officers: they keep the archives). */
  async upload(actor: Actor, data: UploadData): Promise<StoredFile> {
    if (actor.role !== 'CASE_OFFICER') throw new ForbiddenError('只有经办人员可以上传档案材料');
    const p = new Problems();
    // Browsers may send a path; keep the last segment only.
    const fileName = (data.fileName ?? '').split(/[\\/]/).pop()!.trim();
    p.check(fileName.length > 0 && fileName.length <= 255, 'file', '文件名不能为空，且不超过255个字符');
    p.check(data.content.length > 0, 'file', '文件内容为空');
    p.check(
      data.content.length <= this.deps.config.fileMaxBytes,
      'file',
      `文件超过大小上限（${this.deps.config.fileMaxBytes} 字节）`,
    );
    checkIdempotencyKey(p, data.idempotencyKey);
    p.throwIfAny();
    const contentType = /^[\w.+-]+\/[\w.+-]+$/.test(data.contentType)
      ? data.contentType.toLowerCase()
      : 'application/octet-stream';
    const sha256 = createHash('sha256').update(data.content).digest('hex');
    return writeOnce(
      this.em,
      actor,
      {
        key: data.idempotencyKey,
        operation: 'file.upload',
        entity: StoredFile,
        input: {
          sha256,
          size: data.content.length,
          fileName,
          contentType,
        },
      },
      async (em) => {
        const sealed = fileCipherFor(this.deps.config.personalDataKeys).seal(data.content, sha256);
        const [{ id }] = await em.execute<{ id: number }[]>(
          `insert into stored_file (sha256, size_bytes, content_type, name_enc, key_id, content, unit_id,
                                  uploaded_by_user_id, uploaded_by, uploaded_at)
         values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) returning id`,
          [
            sha256,
            data.content.length,
            contentType.slice(0, 100),
            sealText(this.deps, SEALED_COLUMN.fileName, fileName),
            sealed.keyId,
            sealed.sealed,
            actor.unitId,
            actor.userId,
            actor.name,
            this.deps.now(),
          ],
        );
        await this.audit.withEm(em).record({
          actor,
          operation: 'archive.file.upload',
          details: { fileId: id, sha256, size: data.content.length, contentType },
        });
        return em.findOneOrFail(StoredFile, { id });
      },
    );
  }

  /**
   * A file for download, authorised like personal data: only readers who see the case's petitioner
   * in clear (visibilityFor: the handling unit's officers and those above it, the examining
   * agency's reviewers). A file not yet attached to an archive document is the uploader's alone.
   * Everyone else gets NOT_FOUND, whether or not the file exists. Each download is audited
   * before a byte leaves; if the audit cannot be written, nothing is sent.
   */
  async download(actor: Actor, fileId: number): Promise<FileDownload> {
    if (actor.role !== 'CASE_OFFICER' && actor.role !== 'AGENCY_REVIEWER')
      throw new ForbiddenError('无权下载档案材料');
    const file =
      Number.isSafeInteger(fileId) && fileId > 0 ? await this.em.findOne(StoredFile, { id: fileId }) : null;
    if (!file) throw new NotFoundError('文件');
    let c: PetitionCase | null = null;
    if (file.caseId == null) {
      if (file.uploadedByUserId !== actor.userId) throw new NotFoundError('文件');
    } else {
      c = await this.em.findOne(PetitionCase, { id: file.caseId }, { populate: ['handlingUnit'] });
      if (!c) throw new NotFoundError('文件');
      const agency = await new UnitService(this.em).nearestAgencyAbove(c.handlingUnit.code);
      if (visibilityFor(actor, c.handlingUnit, agency?.id ?? null) !== 'CLEAR')
        throw new NotFoundError('文件');
    }
    const [row] = await this.em.execute<{ content: Buffer }[]>(
      `select content from stored_file where id = ?`,
      [file.id],
    );
    const content = fileCipherFor(this.deps.config.personalDataKeys).open(
      { keyId: file.keyId, sealed: row.content },
      file.sha256,
    );
    if (createHash('sha256').update(content).digest('hex') !== file.sha256)
      throw new Error('stored file does not match its SHA-256');
    await this.audit.record({
      actor,
      operation: 'archive.file.download',
      caseId: c?.id ?? null,
      petitionerId: c?.petitioner.id ?? null,
      fields: ['archive.file'],
      details: { fileId: file.id, sha256: file.sha256, size: file.sizeBytes },
    });
    return {
      file,
      fileName: openText(this.deps, SEALED_COLUMN.fileName, file.nameEnc),
      contentType: safeContentType(file.contentType),
      content,
    };
  }

  openName(file: StoredFile): string {
    return openText(this.deps, SEALED_COLUMN.fileName, file.nameEnc);
  }
}
