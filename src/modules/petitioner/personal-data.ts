/**
 * Every schema field that carries personal data starts its description with this mark; the
 * permission-matrix test finds them by it, so a new personal field without a rule fails there.
 */
export const PERSONAL_DATA_MARK = '【个人信息】';

export type PersonalField = 'name' | 'idNumber' | 'phone' | 'address';
export const PERSONAL_FIELDS: PersonalField[] = ['name', 'idNumber', 'phone', 'address'];
