import { registerEnumType } from 'type-graphql';

/** Roles as carried in the token (DESIGN.md §4). */
export enum RoleEnum {
  DEPARTMENT_STAFF = 'DEPARTMENT_STAFF',
  CASE_OFFICER = 'CASE_OFFICER',
  AGENCY_REVIEWER = 'AGENCY_REVIEWER',
  SUPERVISOR = 'SUPERVISOR',
  ADMIN = 'ADMIN',
}
registerEnumType(RoleEnum, {
  name: 'Role',
  description: '角色',
  valuesConfig: {
    DEPARTMENT_STAFF: { description: '部门工作人员' },
    CASE_OFFICER: { description: '经办人员' },
    AGENCY_REVIEWER: { description: '上一级信访工作机构审核人员' },
    SUPERVISOR: { description: '监督检查人员' },
    ADMIN: { description: '系统管理员' },
  },
});
