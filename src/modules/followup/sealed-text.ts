import type { Deps } from '../../shared/deps';

/**
 * Officer-written free text of the follow-up records is personal data (DESIGN.md §3: "free text
 * written by officers can also carry them"), so it is sealed at rest with the same FieldCipher
 * as the petitioner's fields. One AAD per column: a ciphertext copied into another column does
 * not open there.
 */
export const SEALED_COLUMN = {
  visitNotes: 'return_visit.notes',
  trackingNotes: 'tracking_record.notes',
  escalationReport: 'escalation_report.report',
  escalationAcknowledge: 'escalation_report.acknowledge',
  escalationResolve: 'escalation_report.resolve',
  documentText: 'archive_document_version.text',
  correctionReason: 'archive_document_version.reason',
  fileName: 'stored_file.name',
} as const;
export type SealedColumn = (typeof SEALED_COLUMN)[keyof typeof SEALED_COLUMN];

export function sealText(deps: Pick<Deps, 'cipher'>, column: SealedColumn, text: string): string {
  return deps.cipher.encrypt(text, column);
}

export function openText(deps: Pick<Deps, 'cipher'>, column: SealedColumn, sealed: string): string {
  return deps.cipher.decrypt(sealed, column);
}

/** Several texts of one record sealed together (one value, one decryption on read). */
export function sealJson<T extends object>(
  deps: Pick<Deps, 'cipher'>,
  column: SealedColumn,
  value: T,
): string {
  return deps.cipher.encrypt(JSON.stringify(value), column);
}

export function openJson<T>(deps: Pick<Deps, 'cipher'>, column: SealedColumn, sealed: string): T {
  return JSON.parse(deps.cipher.decrypt(sealed, column)) as T;
}

const opened = new WeakMap<object, unknown>();

/**
 * A record's sealed texts opened once per record (an entity instance of one request), however
 * many of its fields a query selects.
 */
export function openOnce<T>(record: object, open: () => T): T {
  if (!opened.has(record)) opened.set(record, open());
  return opened.get(record) as T;
}
