import type { Actor } from '../auth/actor';
import type { AuditEntry } from '../modules/audit/audit.service';
import { PERSONAL_FIELDS, type PersonalField } from '../modules/petitioner/personal-data';

/*
 * The one audited clear-read path (DESIGN.md §3: every clear read of personal data is audited, and
 * no clear value is returned if its audit entry cannot be written).
 *
 * Whatever a request reads in clear — a petitioner's field (petitioner.graphql.ts), officer text
 * about the petitioner (visibility.ts clearText), a feedback submitter's name or phone — is noted
 * here while the response is built, by the resolver that returns the value. Before the response
 * leaves, `entries()` becomes the request's audit entries and they are appended to the chain in
 * one call (app.ts clearReadAuditPlugin → AuditService.recordMany); if that append fails, the whole
 * response is replaced by an error, so no clear value goes out unaudited. Nothing else writes
 * clear-read entries.
 */

/**
 * What was read in clear about a petitioner: one of their fields, or officer-written text about
 * the petitioner that is treated as personal data too, named `record.part` (e.g. `returnVisit.notes`).
 */
export type ClearReadField = PersonalField | `${string}.${string}`;

/** A petitioner's data read in clear, on a case (or on none: a petitioner read directly). */
export interface ClearRead {
  caseId: number | null;
  petitionerId: number;
  fields: ClearReadField[];
}

/** A feedback submitter's fields read in clear. */
export interface SubmitterClearRead {
  feedbackId: number;
  fields: ('submitterName' | 'submitterPhone')[];
}

/** The audit operations this path writes (read by the supervision statistics as well). */
export const CLEAR_READ_OPERATIONS = {
  petitioner: 'petitioner.read.clear',
  submitter: 'feedback.read.clear',
} as const;

interface Noted {
  operation: string;
  caseId: number | null;
  petitionerId: number | null;
  feedbackId: number | null;
  fields: string[];
}

/** A petitioner's fields first, in their usual order, whatever order the query named them in. */
function ordered(fields: string[]): string[] {
  const rank = (f: string) => {
    const i = PERSONAL_FIELDS.indexOf(f as PersonalField);
    return i < 0 ? PERSONAL_FIELDS.length : i;
  };
  return fields
    .map((f, i) => ({ f, i }))
    .sort((a, b) => rank(a.f) - rank(b.f) || a.i - b.i)
    .map((x) => x.f);
}

/**
 * The clear reads of one request: one audit entry per petitioner (per case) and per feedback,
 * naming every field the response carried in clear, written once, before the response leaves.
 */
export class RequestAudit {
  private readonly reads = new Map<string, Noted>();

  constructor(readonly actor: Actor) {}

  /** A petitioner's fields (or officer text about them) are being returned in clear. */
  clearRead(r: ClearRead): void {
    this.note(`p:${r.caseId}:${r.petitionerId}`, {
      operation: CLEAR_READ_OPERATIONS.petitioner,
      caseId: r.caseId,
      petitionerId: r.petitionerId,
      feedbackId: null,
      fields: r.fields,
    });
  }

  /** A feedback submitter's fields are being returned in clear. */
  submitterClearRead(r: SubmitterClearRead): void {
    this.note(`f:${r.feedbackId}`, {
      operation: CLEAR_READ_OPERATIONS.submitter,
      caseId: null,
      petitionerId: null,
      feedbackId: r.feedbackId,
      fields: r.fields,
    });
  }

  private note(key: string, r: Noted) {
    const seen = this.reads.get(key);
    if (seen) seen.fields = [...new Set([...seen.fields, ...r.fields])];
    else this.reads.set(key, { ...r, fields: [...new Set(r.fields)] });
  }

  /** Whether anything was read in clear and is still to be audited. */
  get empty(): boolean {
    return this.reads.size === 0;
  }

  /** The entries to append, in the order the reads were first noted. */
  entries(): AuditEntry[] {
    return [...this.reads.values()].map((r) =>
      r.feedbackId !== null
        ? {
            actor: this.actor,
            operation: r.operation,
            fields: r.fields,
            details: { feedbackId: r.feedbackId },
          }
        : {
            actor: this.actor,
            operation: r.operation,
            caseId: r.caseId,
            petitionerId: r.petitionerId,
            fields: ordered(r.fields),
          },
    );
  }

  /** Called once the entries are in the chain. */
  clear(): void {
    this.reads.clear();
  }
}
