import path from 'node:path';
import { describeDuplicateSet } from './helpers/dup-set';

/**
 * The duplicate check on the development set (test/fixtures/dup-dev): import it, ask every query
 * through GraphQL as department staff, and hold the method to DESIGN.md §4's bar. Set
 * DUP_REPORT=1 to print the figures.
 */
describeDuplicateSet('checkDuplicate on the development set', path.resolve(__dirname, 'fixtures/dup-dev'), {
  queries: 120,
  dupId: 40,
});
