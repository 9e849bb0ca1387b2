/**
 * Roles as carried in the token (DESIGN.md §4): the one list. The GraphQL enum `Role`
 * (org/role.ts) is derived from it, and so is every role set below.
 */
const ROLE_NAMES = ['DEPARTMENT_STAFF', 'CASE_OFFICER', 'AGENCY_REVIEWER', 'SUPERVISOR', 'ADMIN'] as const;
export type Role = (typeof ROLE_NAMES)[number];
export const ROLES: readonly Role[] = ROLE_NAMES;

/*
 * Named role sets (DESIGN.md §1, §3): the shield rule map (graphql/permissions.ts) opens the
 * operations with these, and the services check the same sets again before they touch data.
 * Jurisdiction (src/access/jurisdiction.ts) and clear/masked (src/access/visibility.ts) come on top.
 */

/**
 * Follow-up records after termination (archive, visits, tracking, escalations): the handling
 * unit's officers and those above, petition agencies' reviewers, supervisors; never departments'
 * staff or administrators.
 */
export const FOLLOWUP_READERS: readonly Role[] = ['CASE_OFFICER', 'AGENCY_REVIEWER', 'SUPERVISOR'];

/**
 * Supervision's inspection queries, statistics and the report: supervisors (their subtree) and
 * petition agencies' reviewers (the units below their agency). They also read inspections.
 */
export const INSPECTORS: readonly Role[] = ['SUPERVISOR', 'AGENCY_REVIEWER'];

/** Public feedback is recorded, assigned and closed by the inspectors' roles. */
export const FEEDBACK_HANDLERS: readonly Role[] = INSPECTORS;

/** Public feedback is read by its handlers and by the officers who answer it. */
export const FEEDBACK_READERS: readonly Role[] = ['SUPERVISOR', 'AGENCY_REVIEWER', 'CASE_OFFICER'];

/** Rectification orders: inspectors over their subtree, officers of the responsible unit and above. */
export const ORDER_READERS: readonly Role[] = ['SUPERVISOR', 'AGENCY_REVIEWER', 'CASE_OFFICER'];

/** Accountability records and their counts: supervisors and administrators only. */
export const ACCOUNTABILITY_READERS: readonly Role[] = ['ADMIN', 'SUPERVISOR'];

/** An inspection finding is reached through an order (officers) or an accountability record (administrators). */
export const FINDING_READERS: readonly Role[] = ['ADMIN', 'AGENCY_REVIEWER', 'CASE_OFFICER', 'SUPERVISOR'];

/** The duplicate check before registration: everyone who handles petitions, not administrators. */
export const DUPLICATE_CHECKERS: readonly Role[] = [
  'DEPARTMENT_STAFF',
  'CASE_OFFICER',
  'AGENCY_REVIEWER',
  'SUPERVISOR',
];
