import { Entity, Enum, Index, ManyToOne, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';

export enum UnitKind {
  PETITION_AGENCY = 'PETITION_AGENCY',
  DEPARTMENT = 'DEPARTMENT',
}
registerEnumType(UnitKind, {
  name: 'UnitKind',
  description: '单位类别：信访工作机构 (PETITION_AGENCY) 或 部门 (DEPARTMENT)',
});

/**
 * A unit of the tree (province → city → county, or group → company → branch).
 * `path` is a PostgreSQL ltree of unit ids from the root, so "A is the same as or above B" is
 * `a.path @> b.path` and a subtree is `path <@ x`: one indexed query, no walk in JavaScript.
 */
@ObjectType('Unit', { description: '单位（信访工作机构或部门）' })
@Entity({ tableName: 'unit' })
export class Unit {
  [OptionalProps]?: 'path' | 'createdAt';

  @Field(() => ID, { description: '单位 ID' })
  @PrimaryKey({ autoincrement: true })
  id!: number;

  @Field({ description: '单位代码，如 ZJ-HZ' })
  @Property({ unique: true, length: 64 })
  code!: string;

  @Field({ description: '单位名称' })
  @Property({ length: 200 })
  name!: string;

  @Field(() => UnitKind, { description: '单位类别' })
  @Enum({ items: () => UnitKind, nativeEnumName: 'unit_kind' })
  kind!: UnitKind;

  @ManyToOne(() => Unit, { nullable: true, deleteRule: 'restrict' })
  @Index()
  parent?: Unit | null;

  @Property({ columnType: 'ltree', hidden: true })
  path!: string;

  @Property({ defaultRaw: 'now()' })
  createdAt: Date = new Date();
}
