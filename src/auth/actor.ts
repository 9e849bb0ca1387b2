import type { Role } from '../access/roles';
import type { UnitKind } from '../modules/org/unit.entity';

/** Who is acting: from a verified token, with the unit resolved against the unit tree. */
export interface Actor {
  userId: string;
  name: string;
  role: Role;
  unitId: number;
  unitCode: string;
  unitKind: UnitKind;
  /** ltree path of the actor's unit: the root of everything below it. */
  unitPath: string;
}
