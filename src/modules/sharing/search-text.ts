import { redactPersonalText, type KnownPerson } from '../petitioner/redaction';

/**
 * The text the sharing page's text filter searches (`petition_case.search_text`): title and facts
 * as a masked reader reads them, redacted against the case's own petitioner (redaction.ts). The
 * filter and its count run on it for every reader, so a guessed name, phone number or address can
 * never be confirmed by which cases match it (DESIGN.md §3). Written with the text on every write
 * path (registration, import); records from before it existed get it from
 * PetitionerService.deriveMissingMasks, and match no text filter until then.
 */
export function caseSearchText(title: string, factsAndReasons: string, petitioner: KnownPerson): string {
  return redactPersonalText(`${title} ${factsAndReasons}`, [petitioner]);
}

/**
 * A case's title as a reader who sees its petitioner masked reads it (`petition_case.masked_title`):
 * exactly what readerText gives such a reader (redacted against the case's own petitioner, then by
 * shape), kept beside the sealed record so the sharing page decrypts nothing for masked readers.
 * Written with the title and the petitioner's record on every write path (registration, import);
 * records from before it existed get it from PetitionerService.deriveMissingMasks, and are read
 * through the redactor until then.
 */
export function caseMaskedTitle(title: string, petitioner: KnownPerson): string {
  return redactPersonalText(title, [petitioner]);
}
