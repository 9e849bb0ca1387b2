import type { Actor } from '../../auth/actor';
import type { Unit } from '../org/unit.entity';

/**
 * Every schema field that carries personal data starts its description with this mark; the
 * permission-matrix test finds them by it, so a new personal field without a rule fails there.
 */
export const PERSONAL_DATA_MARK = '【个人信息】';

export type PersonalField = 'name' | 'idNumber' | 'phone' | 'address';
export const PERSONAL_FIELDS: PersonalField[] = ['name', 'idNumber', 'phone', 'address'];

/** How a reader may see one case's petitioner. */
export type Visibility = 'CLEAR' | 'MASKED';

/**
 * The one rule for who sees a petitioner in clear (DESIGN.md §3): the handling unit's officers
 * (and officers of units above it) and the reviewers of the examining agency (the nearest petition
 * agency above the handling unit). Everyone else sees masked values; a supervisor may reveal one
 * petitioner with a stated reason, which is a separate, audited act.
 */
export function visibilityFor(
  actor: Actor,
  handlingUnit: Pick<Unit, 'id' | 'path'>,
  examiningAgencyId: number | null,
): Visibility {
  if (actor.role === 'CASE_OFFICER' && isSameOrBelow(handlingUnit.path, actor.unitPath)) return 'CLEAR';
  if (actor.role === 'AGENCY_REVIEWER' && examiningAgencyId !== null && actor.unitId === examiningAgencyId)
    return 'CLEAR';
  return 'MASKED';
}

/** ltree containment done on the paths already loaded: `path <@ ancestor`. */
export function isSameOrBelow(path: string, ancestor: string): boolean {
  return path === ancestor || path.startsWith(`${ancestor}.`);
}
