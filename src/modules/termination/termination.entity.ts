import { Entity, Enum, ManyToOne, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { Unit } from '../org/unit.entity';
import { PetitionCase } from '../case/case.entity';
import { ApplicationStatus, DeliveryMethod, TerminationCondition } from '../case/case.enums';
import { LocalDate } from '../../graphql/scalars/local-date';

/**
 * 信访终结申请表: filed by the handling unit, examined by the nearest petition agency above it,
 * and (once approved) carrying the decision and the notification record.
 */
@ObjectType('TerminationApplication', { description: '信访终结申请（含审核、决定和告知）' })
@Entity({ tableName: 'termination_application' })
export class TerminationApplication {
  [OptionalProps]?:
    | 'status'
    | 'version'
    | 'createdAt'
    | 'examinedBy'
    | 'examinedAt'
    | 'returnReasons'
    | 'decisionNumber'
    | 'decidedAt'
    | 'notifiedAt'
    | 'deliveryMethod'
    | 'notificationExplanation'
    | 'notifiedBy';

  @Field(() => ID)
  @PrimaryKey({ autoincrement: true })
  id!: number;

  @ManyToOne(() => PetitionCase, { deleteRule: 'cascade' })
  case!: PetitionCase;

  @Field(() => TerminationCondition, { description: '所依据的终结条件' })
  @Enum({ items: () => TerminationCondition, nativeEnumName: 'termination_condition' })
  condition!: TerminationCondition;

  @Property({ columnType: 'text' })
  statement!: string;

  @Field(() => ApplicationStatus, { description: '申请状态' })
  @Enum({ items: () => ApplicationStatus, nativeEnumName: 'application_status' })
  status: ApplicationStatus = ApplicationStatus.PENDING;

  @Field({ description: '申请人' })
  @Property({ length: 200 })
  appliedBy!: string;

  @Field({ description: '申请时间' })
  @Property()
  appliedAt!: Date;

  @ManyToOne(() => Unit, { deleteRule: 'restrict' })
  examiningUnit!: Unit;

  @Field(() => String, { nullable: true, description: '审核人' })
  @Property({ length: 200, nullable: true })
  examinedBy?: string | null;

  @Field(() => Date, { nullable: true, description: '审核时间' })
  @Property({ type: 'datetime', nullable: true }) // explicit: `Date | null` carries no type metadata
  examinedAt?: Date | null;

  @Property({ columnType: 'text', nullable: true })
  returnReasons?: string | null;

  @Field(() => String, { nullable: true, description: '终结决定文号' })
  @Property({ length: 100, nullable: true })
  decisionNumber?: string | null;

  @Field(() => LocalDate, { nullable: true, description: '终结决定日期' })
  @Property({ columnType: 'date', type: 'string', nullable: true })
  decidedAt?: string | null;

  @Field(() => LocalDate, { nullable: true, description: '告知日期' })
  @Property({ columnType: 'date', type: 'string', nullable: true })
  notifiedAt?: string | null;

  @Field(() => DeliveryMethod, { nullable: true, description: '告知送达方式' })
  @Property({ type: 'string', length: 20, nullable: true })
  deliveryMethod?: DeliveryMethod | null;

  @Property({ columnType: 'text', nullable: true })
  notificationExplanation?: string | null;

  @Field(() => String, { nullable: true, description: '告知记录人' })
  @Property({ length: 200, nullable: true })
  notifiedBy?: string | null;

  @Property({ version: true })
  version: number = 1;

  @Property({ defaultRaw: 'now()' })
  createdAt: Date = new Date();
}

/** Counter row per agency and year; locked by the approving transaction (gap-free numbers). */
@Entity({ tableName: 'decision_number_counter' })
export class DecisionNumberCounter {
  @ManyToOne(() => Unit, { primary: true, deleteRule: 'restrict' })
  agencyUnit!: Unit;

  @PrimaryKey()
  year!: number;

  @Property()
  lastN!: number;
}
