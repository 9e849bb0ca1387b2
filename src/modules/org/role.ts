import { registerEnumType } from 'type-graphql';
import { ROLES, type Role } from '../../access/roles';

/** The GraphQL enum `Role`, derived from the one role list (src/access/roles.ts). */
export const RoleEnum = Object.fromEntries(ROLES.map((r) => [r, r])) as { [R in Role]: R };

const DESCRIPTIONS: Record<Role, string> = {
  DEPARTMENT_STAFF: '部门工作人员',
  CASE_OFFICER: '经办人员',
  AGENCY_REVIEWER: '上一级信访工作机构审核人员',
  SUPERVISOR: '监督检查人员',
  ADMIN: '系统管理员',
};

registerEnumType(RoleEnum, {
  name: 'Role',
  description: '角色',
  valuesConfig: Object.fromEntries(ROLES.map((r) => [r, { description: DESCRIPTIONS[r] }])),
});
