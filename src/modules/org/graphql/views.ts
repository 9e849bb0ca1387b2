import { Field, ID, ObjectType } from 'type-graphql';
import type { Role } from '../../../access/roles';
import { RoleEnum } from '../role';
import { Unit } from '../unit.entity';

/* The org module's GraphQL object types that are not entities (Unit is one itself, unit.entity.ts). */

@ObjectType('Me', { description: '当前用户' })
export class Me {
  @Field(() => ID, { description: '用户标识' })
  userId!: string;
  @Field({ description: '姓名' })
  name!: string;
  @Field(() => RoleEnum, { description: '角色' })
  role!: Role;
  @Field(() => Unit, { description: '所属单位' })
  unit!: Unit;
}
