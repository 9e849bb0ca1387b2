import { ReferenceKind, type EntityManager } from '@mikro-orm/postgresql';
import { PetitionCase } from '../case/case.entity';

/**
 * A read-only view of a case, mapped from its row without hydrating an entity (em.map would put
 * every row into the identity map, most of a page's or a check's CPU in the hub): the shape of
 * PetitionCase (relations as `{ id }`, the petitioner record embedded), so every field resolver of
 * `Case` reads it as it reads the entity. One mapper for the sharing page (sharing.service.ts,
 * the selected fields' columns) and checkDuplicate's candidates (dup-candidates.ts, every column).
 * Lazy columns (dup_text, search_text) and the database's own (dup_grams) are not read. Built once per process from the entity's metadata.
 */
export interface CaseRowMapper {
  columns: string;
  map(row: Record<string, unknown>): PetitionCase;
}
/** Case fields a page may select that read only their own column (or the petitioner record). */
const OWN_COLUMN_FIELDS = new Set([
  'id',
  'externalRef',
  'category',
  'title',
  'factsAndReasons',
  'requests',
  'status',
  'reviewRequestedAt',
  'reReviewRequestedAt',
  'repeatSubmittedAt',
  'goodReasonAt',
  'handlingExtended',
  'terminatedAt',
  'createdAt',
  'handlingUnit',
  'petitioner',
  '__typename',
]);
/** Always read: the cursor, the relations every rule looks at. */
const ALWAYS = new Set(['id', 'terminatedAt', 'status', 'handlingUnit', 'petitioner']);
const caseRowMappers = new Map<string, CaseRowMapper>();

/**
 * The mapper for the columns a page needs: only those of the selected fields when every selected
 * field reads just its own column (the sharing page), every mapped column otherwise.
 */
export function caseRows(em: EntityManager, fields?: ReadonlySet<string> | null): CaseRowMapper {
  const light = !!fields && [...fields].every((f) => OWN_COLUMN_FIELDS.has(f));
  const key = light ? [...fields!].sort().join(',') : '*';
  const known = caseRowMappers.get(key);
  if (known) return known;
  const props = em
    .getMetadata()
    .get(PetitionCase.name)
    .props.filter((p) => p.kind !== ReferenceKind.EMBEDDED && p.persist !== false && !p.lazy)
    .filter(
      (p) =>
        !light ||
        ALWAYS.has(p.name) ||
        fields!.has(p.name) ||
        // Case.title reads the stored masked title for masked readers (graphql/free-text.ts)
        (fields!.has('title') && p.name === 'maskedTitle') ||
        // the petitioner's record: for its view, and for the redaction of facts and requests
        ((fields!.has('petitioner') || fields!.has('factsAndReasons') || fields!.has('requests')) &&
          p.embedded?.[0] === 'petitionerRecord'),
    );
  const setters = props.map((p) => {
    const column = p.fieldNames[0];
    const isDate = p.runtimeType === 'Date';
    const convert =
      p.kind === ReferenceKind.MANY_TO_ONE
        ? (v: unknown) => (v == null ? null : { id: v })
        : isDate
          ? (v: unknown) => (v == null ? null : new Date(v as string))
          : (v: unknown) => v;
    const [owner, name] = p.embedded ?? [null, p.name];
    return (row: Record<string, unknown>, out: Record<string, any>) => {
      const target = owner ? (out[owner] ??= {}) : out;
      target[name] = convert(row[column]);
    };
  });
  const mapper: CaseRowMapper = {
    columns: props.map((p) => `c.${p.fieldNames[0]}`).join(', '),
    map(row) {
      const out: Record<string, unknown> = {};
      for (const set of setters) set(row, out);
      // A PetitionCase to type-graphql (which would otherwise construct an entity from it for every
      // field resolver): own data properties, the class's prototype, no constructor run.
      return Object.setPrototypeOf(out, PetitionCase.prototype) as PetitionCase;
    },
  };
  if (caseRowMappers.size < 200) caseRowMappers.set(key, mapper);
  return mapper;
}
