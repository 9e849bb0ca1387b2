import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Context } from '../../graphql/context';
import { byKey, groupBy } from '../../graphql/loaders';
import {
  ArchiveDocument,
  ArchiveDocumentVersion,
  EscalationReport,
  ReturnVisit,
  StoredFile,
  TerminationArchive,
  TrackingRecord,
} from './followup.entity';

function create(em: EntityManager) {
  const ids = (keys: readonly number[]) => ({ $in: [...keys] });
  return {
    archiveByCase: new DataLoader<number, TerminationArchive | null>(async (caseIds) =>
      byKey(caseIds, await em.find(TerminationArchive, { case: ids(caseIds) }), (a) => a.case.id),
    ),
    documents: new DataLoader<number, ArchiveDocument[]>(async (archiveIds) =>
      groupBy(
        archiveIds,
        await em.find(ArchiveDocument, { archive: ids(archiveIds) }, { orderBy: { id: 'asc' } }),
        (d) => d.archive.id,
      ),
    ),
    versions: new DataLoader<number, ArchiveDocumentVersion[]>(async (documentIds) =>
      groupBy(
        documentIds,
        await em.find(
          ArchiveDocumentVersion,
          { document: ids(documentIds) },
          { orderBy: { document: 'asc', version: 'asc' } },
        ),
        (v) => v.document.id,
      ),
    ),
    file: new DataLoader<number, StoredFile | null>(async (keys) =>
      byKey(keys, await em.find(StoredFile, { id: ids(keys) }), (f) => f.id),
    ),
    visits: new DataLoader<number, ReturnVisit[]>(async (caseIds) =>
      groupBy(
        caseIds,
        await em.find(ReturnVisit, { case: ids(caseIds) }, { orderBy: { visitedAt: 'asc', id: 'asc' } }),
        (v) => v.case.id,
      ),
    ),
    tracking: new DataLoader<number, TrackingRecord[]>(async (caseIds) =>
      groupBy(
        caseIds,
        await em.find(TrackingRecord, { case: ids(caseIds) }, { orderBy: { observedOn: 'asc', id: 'asc' } }),
        (r) => r.case.id,
      ),
    ),
    escalations: new DataLoader<number, EscalationReport[]>(async (caseIds) =>
      groupBy(
        caseIds,
        await em.find(EscalationReport, { case: ids(caseIds) }, { orderBy: { id: 'asc' } }),
        (r) => r.case.id,
      ),
    ),
  };
}
export type FollowUpLoaders = ReturnType<typeof create>;

const perRequest = new WeakMap<EntityManager, FollowUpLoaders>();

/**
 * The follow-up module's loaders for this request (one query per relation per request, whatever
 * the list size). Keyed by the request's own EntityManager, so nothing is shared across requests
 * or users, and the shared loaders file stays untouched.
 */
export function followUpLoaders(ctx: Pick<Context, 'em'>): FollowUpLoaders {
  let l = perRequest.get(ctx.em);
  if (!l) {
    l = create(ctx.em);
    perRequest.set(ctx.em, l);
  }
  return l;
}
