import type { Actor } from '../auth/actor';
import { PERSONAL_FIELDS, type PersonalField } from '../modules/petitioner/personal-data';

/**
 * What was read in clear: a petitioner's field, or officer-written text about the petitioner that
 * is treated as personal data too, named `record.part` (e.g. `returnVisit.notes`).
 */
export type ClearReadField = PersonalField | `${string}.${string}`;

export interface ClearRead {
  caseId: number | null;
  petitionerId: number;
  fields: ClearReadField[];
}

/**
 * Clear reads collected during one request and written to the audit log before the response
 * leaves (one insert per request, not one per row). If that write fails, the response is replaced
 * by an error: no clear value goes out unaudited.
 */
export class RequestAudit {
  private readonly reads = new Map<string, ClearRead>();

  constructor(readonly actor: Actor) {}

  clearRead(r: ClearRead) {
    const key = `${r.caseId}:${r.petitionerId}`;
    const seen = this.reads.get(key);
    if (seen) seen.fields = [...new Set([...seen.fields, ...r.fields])];
    else this.reads.set(key, { ...r, fields: [...r.fields] });
  }

  /** The petitioner's fields first, in their usual order, whatever order the query named them in. */
  pending(): ClearRead[] {
    const rank = (f: ClearReadField) => {
      const i = PERSONAL_FIELDS.indexOf(f as PersonalField);
      return i < 0 ? PERSONAL_FIELDS.length : i;
    };
    return [...this.reads.values()].map((r) => ({
      ...r,
      fields: r.fields
        .map((f, i) => ({ f, i }))
        .sort((a, b) => rank(a.f) - rank(b.f) || a.i - b.i)
        .map((x) => x.f),
    }));
  }

  clear() {
    this.reads.clear();
  }
}
