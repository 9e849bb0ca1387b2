import { allow, deny, rule, shield } from 'graphql-shield';
import type { Rule } from 'graphql-shield/typings/rules';
import type { Role } from '../config';
import { ForbiddenError } from '../errors';
import type { Context } from './context';

const roleRules = new Map<string, Rule>();
/**
 * A rule that lets the listed roles through and answers everyone else with FORBIDDEN.
 * Memoised by name: graphql-shield refuses two different rules with one name.
 */
export const role = (...roles: Role[]): Rule => {
  const name = `role:${[...roles].sort().join('|')}`;
  let r = roleRules.get(name);
  if (!r) {
    r = rule(name, { cache: 'contextual' })((_p, _a, ctx: Context) =>
      roles.includes(ctx.actor.role) ? true : new ForbiddenError(),
    );
    roleRules.set(name, r);
  }
  return r;
};

/** Authenticated: the context only exists for a verified actor, so this documents intent. */
const anyone = rule('authenticated', { cache: 'contextual' })((_p, _a, ctx: Context) => !!ctx.actor);

/**
 * Who may call what. Deny by default: an operation or field not listed here is closed.
 * Object types without personal data are opened whole; types that carry personal data list
 * their fields one by one (and mask in the field middleware), so a new field there stays closed.
 */
export const ruleMap = {
  Query: {
    me: anyone,
    unit: anyone,
    units: anyone,
    isSameOrAbove: anyone,
    case: anyone,
    cases: anyone,
    pendingTerminationApplications: role('AGENCY_REVIEWER'),
    terminatedCases: anyone,
    terminatedCase: anyone,
    checkDuplicate: role('DEPARTMENT_STAFF', 'CASE_OFFICER', 'AGENCY_REVIEWER', 'SUPERVISOR'),
    verifyAuditChain: role('SUPERVISOR'),
    auditLog: role('SUPERVISOR'),
  },
  Mutation: {
    createUnit: role('ADMIN'),
    renameUnit: role('ADMIN'),
    moveUnit: role('ADMIN'),
    registerCase: role('CASE_OFFICER'),
    recordStep: role('CASE_OFFICER'),
    recordDelivery: role('CASE_OFFICER'),
    recordRequest: role('CASE_OFFICER'),
    recordRepeatSubmission: role('CASE_OFFICER'),
    recordGoodReason: role('CASE_OFFICER'),
    extendHandling: role('CASE_OFFICER'),
    applyForTermination: role('CASE_OFFICER'),
    approveTermination: role('AGENCY_REVIEWER'),
    returnTermination: role('AGENCY_REVIEWER'),
    notifyTermination: role('CASE_OFFICER'),
    revealPetitioner: role('SUPERVISOR'),
  },
  Me: allow,
  Unit: allow,
  Case: allow,
  CaseStep: allow,
  CaseProgress: allow,
  CaseConnection: allow,
  PageInfo: allow,
  TerminationApplication: allow,
  TerminatedCaseConnection: allow,
  DuplicateCheckResult: allow,
  DuplicateMatch: allow,
  AuditVerification: allow,
  AuditLogEntry: allow,
  AuditLogEdge: allow,
  AuditLogConnection: allow,
  // Personal data: each field opened by name (masking happens in the resolver, see petitioner.graphql.ts).
  Petitioner: { clear: allow, name: allow, idNumber: allow, phone: allow, address: allow },
};

export const permissions = shield(ruleMap, {
  fallbackRule: deny,
  allowExternalErrors: true,
  fallbackError: () => new ForbiddenError('无权访问此字段或操作'),
});
