import { Migration20261128000001_units } from './Migration20261128000001_units';
import { Migration20261128000002_cases } from './Migration20261128000002_cases';
import { Migration20261128000003_audit } from './Migration20261128000003_audit';
import { Migration20261128000004_sharing } from './Migration20261128000004_sharing';
import { Migration20261128000005_followup } from './Migration20261128000005_followup';
import { Migration20261128000006_supervision } from './Migration20261128000006_supervision';
import { Migration20261128000007_content_grams } from './Migration20261128000007_content_grams';
import { Migration20261203030001_recent_writes } from './Migration20261203030001_recent_writes';
import { Migration20261203040001_dup_grams } from './Migration20261203040001_dup_grams';
import { Migration20261203060001_unit_tree_notify } from './Migration20261203060001_unit_tree_notify';
import { Migration20261203060002_petitioner_masked } from './Migration20261203060002_petitioner_masked';
import { Migration20261203060003_audit_pending } from './Migration20261203060003_audit_pending';
import { Migration20261203090001_usage_windows } from './Migration20261203090001_usage_windows';
import { Migration20261203110001_dup_oracle } from './Migration20261203110001_dup_oracle';
import { Migration20261203120001_case_search_text } from './Migration20261203120001_case_search_text';
import { Migration20261203131001_case_masked_title } from './Migration20261203131001_case_masked_title';
import { Migration20261203130001_dup_grams_covering } from './Migration20261203130001_dup_grams_covering';

/**
 * Migrations are listed here rather than discovered from disk, so the same list runs under
 * ts (tests, development) and compiled js (production) with no stale-file surprises.
 */
export const migrationsList = [
  { name: 'Migration20261128000001_units', class: Migration20261128000001_units },
  { name: 'Migration20261128000002_cases', class: Migration20261128000002_cases },
  { name: 'Migration20261128000003_audit', class: Migration20261128000003_audit },
  { name: 'Migration20261128000004_sharing', class: Migration20261128000004_sharing },
  { name: 'Migration20261128000005_followup', class: Migration20261128000005_followup },
  { name: 'Migration20261128000006_supervision', class: Migration20261128000006_supervision },
  { name: 'Migration20261128000007_content_grams', class: Migration20261128000007_content_grams },
  { name: 'Migration20261203030001_recent_writes', class: Migration20261203030001_recent_writes },
  { name: 'Migration20261203040001_dup_grams', class: Migration20261203040001_dup_grams },
  { name: 'Migration20261203060001_unit_tree_notify', class: Migration20261203060001_unit_tree_notify },
  { name: 'Migration20261203060002_petitioner_masked', class: Migration20261203060002_petitioner_masked },
  { name: 'Migration20261203060003_audit_pending', class: Migration20261203060003_audit_pending },
  { name: 'Migration20261203090001_usage_windows', class: Migration20261203090001_usage_windows },
  { name: 'Migration20261203110001_dup_oracle', class: Migration20261203110001_dup_oracle },
  { name: 'Migration20261203120001_case_search_text', class: Migration20261203120001_case_search_text },
  { name: 'Migration20261203131001_case_masked_title', class: Migration20261203131001_case_masked_title },
  { name: 'Migration20261203130001_dup_grams_covering', class: Migration20261203130001_dup_grams_covering },
];
