/**
 * Moved to src/access/clear-reads.ts (the one audited clear-read path); kept so that existing
 * imports of the type keep compiling.
 */
export type { ClearRead, ClearReadField } from '../access/clear-reads';
