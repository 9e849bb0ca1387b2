import type { Actor } from '../../auth/actor';
import type { Role } from '../../access/roles';
import type { Unit } from '../../modules/org/unit.entity';
import { idNumberCheckChar } from '../../modules/petitioner/identity';

/** A demo user of a unit; user ids name role and unit, so two units' officers are two people. */
export function demoActor(unit: Unit, role: Role, name: string): Actor {
  return {
    userId: `demo:${role.toLowerCase()}:${unit.code}`,
    name,
    role,
    unitId: unit.id,
    unitCode: unit.code,
    unitKind: unit.kind,
    unitPath: unit.path,
  };
}

/** A valid (GB 11643) demo ID number of 西湖区 for a birth date and a serial. */
export function demoIdNumber(birth: string, n: number): string {
  const first17 = `330106${birth}${String(100 + n).padStart(3, '0')}`;
  return first17 + idNumberCheckChar(first17);
}
