import type { EntityManager } from '@mikro-orm/postgresql';
import type { Actor } from '../../auth/actor';
import type { Deps } from '../../shared/deps';
import { BadInputError, ConflictError, NotFoundError, Problems } from '../../errors';
import type { AuditActor, AuditService } from '../audit/audit.service';
import type { PetitionCase } from '../case/case.entity';
import type { CaseService } from '../case/case.service';
import { StepKind } from '../case/case.enums';
import { terminatedCaseForOfficer, terminatedCaseForReader } from '../../access/follow-up';
import { checkDay, checkId, checkText, trimOrNull, requiredId } from '../../shared/checks';
import { ArchiveDocument, ArchiveDocumentVersion, StoredFile, TerminationArchive } from './followup.entity';
import { ARCHIVE_ITEM_LABEL, ArchiveItemKind } from './followup.enums';
import { auditFollowUpWrite } from './audited';
import { checkIdempotencyKey, writeOnce, keyAndInput } from './idempotency';
import { SEALED_COLUMN, openText, sealText } from './sealed-text';
import { arrayLiteral } from '../../shared/sql';

export interface AddDocumentData {
  caseId: string | number;
  kind: ArchiveItemKind;
  title: string;
  documentDate: string;
  issuingUnit: string;
  text?: string | null;
  fileId?: string | number | null;
  idempotencyKey?: string | null;
}

export interface CorrectDocumentData {
  documentId: string | number;
  reason: string;
  title?: string | null;
  documentDate?: string | null;
  issuingUnit?: string | null;
  text?: string | null;
  fileId?: string | number | null;
  idempotencyKey?: string | null;
}

export interface ArchiveRequirement {
  kind: ArchiveItemKind;
  label: string;
  /** How many documents of this kind the archive holds. */
  documents: number;
  present: boolean;
}

export const MAX_DOCUMENT_TEXT = 50_000;

/**
 * The required contents (DESIGN.md §2.3): the petitioner's basic information, acceptance,
 * handling, review and re-review materials, the application form, the decision and the
 * notification record. Re-review materials are required only of a case that had a re-review
 * (requested or recorded): a case terminated as NO_NEW_REQUEST_IN_TIME after the review has none.
 */
export function requiredArchiveItems(hadReReview: boolean): ArchiveItemKind[] {
  return Object.values(ArchiveItemKind).filter(
    (k) => k !== ArchiveItemKind.OTHER && (k !== ArchiveItemKind.RE_REVIEW || hadReReview),
  );
}

/** Which required items the archive holds and which are missing. */
export function archiveCompleteness(
  hadReReview: boolean,
  documentKinds: ArchiveItemKind[],
): { requirements: ArchiveRequirement[]; missing: ArchiveItemKind[]; complete: boolean } {
  const count = new Map<ArchiveItemKind, number>();
  for (const k of documentKinds) count.set(k, (count.get(k) ?? 0) + 1);
  const requirements = requiredArchiveItems(hadReReview).map((kind) => ({
    kind,
    label: ARCHIVE_ITEM_LABEL[kind],
    documents: count.get(kind) ?? 0,
    present: (count.get(kind) ?? 0) > 0,
  }));
  const missing = requirements.filter((r) => !r.present).map((r) => r.kind);
  return { requirements, missing, complete: missing.length === 0 };
}

export function hadReReview(c: PetitionCase, stepKinds: StepKind[]): boolean {
  return !!c.reReviewRequestedAt || stepKinds.includes(StepKind.RE_REVIEW);
}

/**
 * The archive of a terminated case, created if it is missing; returns whether it was created.
 *
 * Called by TerminationService.notify in the notifying transaction (the archive is created at
 * termination; that write is covered by the `termination.notify` audit entry), and on first
 * access for terminated cases that came in some other way (the historical import): then
 * `audit` names who triggered it and an `archive.create` entry is written. Cheap when the
 * archive exists (one indexed select); safe under concurrency (`on conflict do nothing`).
 */
export async function ensureArchive(
  em: EntityManager,
  caseId: number,
  audit?: { service: AuditService; actor: AuditActor },
): Promise<{ id: number; created: boolean }> {
  const existing = await em.execute<{ id: number }[]>(
    `select id from termination_archive where case_id = ?`,
    [caseId],
  );
  if (existing.length) return { id: existing[0].id, created: false };
  const rows = await em.execute<{ id: number }[]>(
    `insert into termination_archive (case_id, created_at)
     select id, now() from petition_case where id = ? and status = 'TERMINATED'
     on conflict (case_id) do nothing returning id`,
    [caseId],
  );
  if (!rows.length) {
    const again = await em.execute<{ id: number }[]>(`select id from termination_archive where case_id = ?`, [
      caseId,
    ]);
    if (!again.length) throw new ConflictError('该信访事项尚未终结，没有终结档案');
    return { id: again[0].id, created: false };
  }
  if (audit) {
    await audit.service.withEm(em).record({
      actor: audit.actor,
      operation: 'archive.create',
      caseId,
      details: { archiveId: rows[0].id, onFirstAccess: true },
    });
  }
  return { id: rows[0].id, created: true };
}

/**
 * The archives of many terminated cases in one statement (for batch writers such as the
 * historical import, inside their own transaction and covered by their own audit entry).
 * Cases that are not TERMINATED, or already have an archive, are left alone. Returns how many
 * archives were created.
 */
export async function ensureArchives(em: EntityManager, caseIds: number[]): Promise<number> {
  if (!caseIds.length) return 0;
  const rows = await em.execute<{ id: number }[]>(
    `insert into termination_archive (case_id, created_at)
     select id, now() from petition_case where status = 'TERMINATED' and id = any(?::int[])
     on conflict (case_id) do nothing returning id`,
    [arrayLiteral(caseIds)],
  );
  return rows.length;
}

/** What the audit log says of a document version written: the document, its version, its file. */
const versionDetails = (
  doc: ArchiveDocument,
  version: ArchiveDocumentVersion,
  file: StoredFile | null,
): Record<string, unknown> => ({
  documentId: doc.id,
  kind: doc.kind,
  version: version.version,
  fileId: file?.id ?? null,
  sha256: file?.sha256 ?? null,
});

/**
 * 信访终结档案: documents with kind, title, date, issuing unit and text and/or an attached file.
 * A document is never overwritten: a correction adds a version (who, why) and keeps the old ones.
 */
export class ArchiveService {
  constructor(
    private readonly em: EntityManager,
    private readonly deps: Deps,
    private readonly cases: CaseService,
    private readonly audit: AuditService,
  ) {}

  /** The terminated case and its archive, for a follow-up reader (the archive is created if missing). */
  async followUp(actor: Actor, caseId: number): Promise<{ case: PetitionCase; archive: TerminationArchive }> {
    const c = await terminatedCaseForReader(this.cases, actor, caseId);
    let archive = await this.em.findOne(TerminationArchive, { case: c.id });
    if (!archive) {
      // read back inside the writing transaction: a replica may not have the new archive yet
      archive = await this.em.transactional(async (em) => {
        await ensureArchive(em, c.id, { service: this.audit, actor });
        return em.findOneOrFail(TerminationArchive, { case: c.id });
      });
    }
    return { case: c, archive };
  }

  /** Adds a document (version 1) to the archive of a terminated case of the actor's unit. */
  async addDocument(actor: Actor, data: AddDocumentData): Promise<ArchiveDocument> {
    const p = new Problems();
    const caseId = requiredId(p, 'caseId', data.caseId, '事项');
    p.check(Object.values(ArchiveItemKind).includes(data.kind), 'kind', '材料类别无效');
    this.checkMetadata(p, data);
    const fileId = checkId(p, 'fileId', data.fileId);
    const text = trimOrNull(data.text);
    p.check(!!text || !!fileId, 'text', '材料须有文字内容或附件（fileId）');
    p.check((text?.length ?? 0) <= MAX_DOCUMENT_TEXT, 'text', `文字内容不超过${MAX_DOCUMENT_TEXT}字`);
    checkIdempotencyKey(p, data.idempotencyKey);
    p.throwIfAny();
    return writeOnce(
      this.em,
      actor,
      { operation: 'archive.addDocument', entity: ArchiveDocument, ...keyAndInput(data) },
      async (em) => {
        const c = await terminatedCaseForOfficer(this.cases, actor, caseId!, em);
        const archive = await ensureArchive(em, c.id);
        const file = fileId ? await this.attachableFile(em, actor, fileId, c.id) : null;
        const doc = em.create(ArchiveDocument, {
          archive: em.getReference(TerminationArchive, archive.id),
          caseId: c.id,
          kind: data.kind,
          createdBy: actor.name,
        });
        const version = em.create(ArchiveDocumentVersion, {
          document: doc,
          caseId: c.id,
          version: 1,
          title: data.title.trim(),
          documentDate: data.documentDate,
          issuingUnit: data.issuingUnit.trim(),
          textEnc: text ? sealText(this.deps, SEALED_COLUMN.documentText, text) : null,
          file,
          createdBy: actor.name,
          createdByUserId: actor.userId,
        });
        await auditFollowUpWrite(this.audit, em, actor, 'archive.addDocument', c, () => ({
          archiveId: archive.id,
          ...versionDetails(doc, version, file),
        }));
        return doc;
      },
    );
  }

  /**
   * A correction: a new version of the document, with the reason. Fields left out are taken
   * over from the current version; a correction that changes nothing is refused.
   */
  async correctDocument(actor: Actor, data: CorrectDocumentData): Promise<ArchiveDocument> {
    const p = new Problems();
    const documentId = requiredId(p, 'documentId', data.documentId, '材料');
    checkText(p, 'reason', data.reason, '更正原因', 2000);
    if (data.title != null) checkText(p, 'title', data.title, '标题', 200);
    if (data.documentDate != null) checkDay(p, 'documentDate', data.documentDate, this.deps.now());
    if (data.issuingUnit != null) checkText(p, 'issuingUnit', data.issuingUnit, '出具单位', 200);
    const fileId = checkId(p, 'fileId', data.fileId);
    const text = data.text == null ? undefined : trimOrNull(data.text);
    p.check((text?.length ?? 0) <= MAX_DOCUMENT_TEXT, 'text', `文字内容不超过${MAX_DOCUMENT_TEXT}字`);
    checkIdempotencyKey(p, data.idempotencyKey);
    p.throwIfAny();
    return writeOnce(
      this.em,
      actor,
      { operation: 'archive.correctDocument', entity: ArchiveDocument, ...keyAndInput(data) },
      async (em) => {
        const doc = await em.findOne(ArchiveDocument, { id: documentId! });
        if (!doc) throw new NotFoundError('档案材料');
        // Jurisdiction and role through the case; NOT_FOUND for a document outside it, as for a missing one.
        const c = await terminatedCaseForOfficer(this.cases, actor, doc.caseId, em).catch((e) => {
          throw e instanceof NotFoundError ? new NotFoundError('档案材料') : e;
        });
        const current = await em.findOneOrFail(
          ArchiveDocumentVersion,
          { document: doc.id },
          { orderBy: { version: 'desc' }, populate: ['file'] },
        );
        const file = fileId ? await this.attachableFile(em, actor, fileId, c.id) : (current.file ?? null);
        const currentText = current.textEnc
          ? openText(this.deps, SEALED_COLUMN.documentText, current.textEnc)
          : null;
        const next = {
          title: data.title?.trim() ?? current.title,
          documentDate: data.documentDate ?? current.documentDate,
          issuingUnit: data.issuingUnit?.trim() ?? current.issuingUnit,
          text: text === undefined ? currentText : text,
          fileId: file?.id ?? null,
        };
        const p2 = new Problems();
        p2.check(!!next.text || !!next.fileId, 'text', '材料须有文字内容或附件（fileId）');
        p2.check(
          next.title !== current.title ||
            next.documentDate !== current.documentDate ||
            next.issuingUnit !== current.issuingUnit ||
            next.text !== currentText ||
            next.fileId !== (current.file?.id ?? null),
          'reason',
          '更正内容与当前版本相同，无需更正',
        );
        p2.throwIfAny();
        const version = em.create(ArchiveDocumentVersion, {
          document: doc,
          caseId: c.id,
          version: current.version + 1,
          title: next.title,
          documentDate: next.documentDate,
          issuingUnit: next.issuingUnit,
          textEnc: next.text ? sealText(this.deps, SEALED_COLUMN.documentText, next.text) : null,
          file,
          reasonEnc: sealText(this.deps, SEALED_COLUMN.correctionReason, data.reason.trim()),
          createdBy: actor.name,
          createdByUserId: actor.userId,
        });
        await auditFollowUpWrite(this.audit, em, actor, 'archive.correctDocument', c, () => ({
          ...versionDetails(doc, version, file),
          previousVersion: current.version,
        }));
        return doc;
      },
    );
  }

  /** Opens a version's text (the caller has decided the reader may see it in clear). */
  openText(v: ArchiveDocumentVersion): string | null {
    return v.textEnc ? openText(this.deps, SEALED_COLUMN.documentText, v.textEnc) : null;
  }

  openReason(v: ArchiveDocumentVersion): string | null {
    return v.reasonEnc ? openText(this.deps, SEALED_COLUMN.correctionReason, v.reasonEnc) : null;
  }

  private checkMetadata(p: Problems, data: { title: string; documentDate: string; issuingUnit: string }) {
    checkText(p, 'title', data.title, '标题', 200);
    checkDay(p, 'documentDate', data.documentDate, this.deps.now());
    checkText(p, 'issuingUnit', data.issuingUnit, '出具单位', 200);
  }

  /**
   * A file uploaded by the actor's unit that is not yet part of another case's archive. The first
   * attachment ties the file to the case, which from then on decides who may download it.
   */
  private async attachableFile(
    em: EntityManager,
    actor: Actor,
    fileId: number,
    caseId: number,
  ): Promise<StoredFile> {
    await em.execute('select 1 from stored_file where id = ? for update', [fileId]);
    const file = await em.findOne(StoredFile, { id: fileId });
    if (!file || file.unit.id !== actor.unitId)
      throw new BadInputError([{ field: 'fileId', message: '文件不存在，或不是本单位上传的文件' }]);
    if (file.caseId != null && file.caseId !== caseId)
      throw new ConflictError('该文件已归入另一信访事项的档案，请重新上传');
    file.caseId = caseId;
    return file;
  }
}
