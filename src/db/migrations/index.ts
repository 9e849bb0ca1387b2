import { Migration20261128000001_units } from './Migration20261128000001_units';

/**
 * Migrations are listed here rather than discovered from disk, so the same list runs under
 * ts (tests, development) and compiled js (production) with no stale-file surprises.
 */
export const migrationsList = [
  { name: 'Migration20261128000001_units', class: Migration20261128000001_units },
];
