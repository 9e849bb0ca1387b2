import { Embedded, Entity, Enum, ManyToOne, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { Unit } from '../org/unit.entity';
import { Petitioner, PetitionerRecord } from '../petitioner/petitioner.entity';
import { CaseStatus, Category, StepKind } from './case.enums';
import { LocalDate } from '../../graphql/scalars/local-date';

/** A petition matter (信访事项) from acceptance to termination. Dates are calendar days (YYYY-MM-DD). */
@ObjectType('Case', { description: '信访事项' })
@Entity({ tableName: 'petition_case' })
export class PetitionCase {
  [OptionalProps]?:
    | 'status'
    | 'version'
    | 'createdAt'
    | 'updatedAt'
    | 'handlingExtended'
    | 'externalRef'
    | 'reviewRequestedAt'
    | 'reReviewRequestedAt'
    | 'repeatSubmittedAt'
    | 'repeatSubmissionNote'
    | 'goodReason'
    | 'goodReasonAt'
    | 'terminatedAt'
    | 'relatedCaseId'
    | 'dupText'
    | 'searchText'
    | 'maskedTitle';

  @Field(() => ID, { description: '事项 ID' })
  @PrimaryKey({ autoincrement: true })
  id!: number;

  @Field(() => String, { nullable: true, description: '外部编号（历史数据导入时的编号）' })
  @Property({ length: 64, nullable: true, unique: true })
  externalRef?: string | null;

  @ManyToOne(() => Petitioner, { deleteRule: 'restrict' })
  petitioner!: Petitioner;

  /** The petitioner's personal data as registered on this case (sealed). */
  @Embedded(() => PetitionerRecord, { prefix: 'petitioner_' })
  petitionerRecord!: PetitionerRecord;

  @ManyToOne(() => Unit, { deleteRule: 'restrict' })
  handlingUnit!: Unit;

  @Field(() => Category, { description: '类别' })
  @Property({ type: 'string', length: 40 })
  category!: Category;

  @Field({ description: '标题' })
  @Property({ length: 200 })
  title!: string;

  @Field({ description: '事实和理由' })
  @Property({ columnType: 'text' })
  factsAndReasons!: string;

  @Field({ description: '诉求' })
  @Property({ columnType: 'text' })
  requests!: string;

  /** Normalised facts and requests for the duplicate check's trigram index (not in the schema). */
  @Property({ columnType: 'text', default: '', hidden: true, lazy: true })
  dupText: string = '';

  /** Title and facts as masked readers read them, for the sharing page's text filter (sharing/search-text.ts). */
  @Property({ columnType: 'text', nullable: true, hidden: true, lazy: true })
  searchText?: string | null;

  /**
   * The title as readers who see the petitioner masked read it (sharing/search-text.ts
   * caseMaskedTitle; not in the schema): Case.title gives it to them without opening the record.
   * Null on cases written before it was kept, until PetitionerService.deriveMissingMasks fills it.
   */
  @Property({ columnType: 'text', nullable: true, hidden: true })
  maskedTitle?: string | null;

  @Field(() => CaseStatus, { description: '状态' })
  @Enum({ items: () => CaseStatus, nativeEnumName: 'case_status' })
  status: CaseStatus = CaseStatus.IN_PROGRESS;

  @Field(() => LocalDate, { nullable: true, description: '信访人申请复查的日期' })
  @Property({ columnType: 'date', type: 'string', nullable: true })
  reviewRequestedAt?: string | null;

  @Field(() => LocalDate, { nullable: true, description: '信访人申请复核的日期' })
  @Property({ columnType: 'date', type: 'string', nullable: true })
  reReviewRequestedAt?: string | null;

  @Field(() => LocalDate, { nullable: true, description: '复核后信访人以同一事实和理由再次提出的日期' })
  @Property({ columnType: 'date', type: 'string', nullable: true })
  repeatSubmittedAt?: string | null;

  @Property({ columnType: 'text', nullable: true })
  repeatSubmissionNote?: string | null;

  @Property({ columnType: 'text', nullable: true })
  goodReason?: string | null;

  @Field(() => LocalDate, { nullable: true, description: '正当理由的记录日期' })
  @Property({ columnType: 'date', type: 'string', nullable: true })
  goodReasonAt?: string | null;

  @Field({ description: '办理期限是否已延长' })
  @Property({ default: false })
  handlingExtended: boolean = false;

  @Field(() => LocalDate, { nullable: true, description: '终结日期（告知之日）' })
  @Property({ columnType: 'date', type: 'string', nullable: true })
  terminatedAt?: string | null;

  /** The terminated case this matter follows from (an escalation resolved as a new matter). */
  @Property({ type: 'integer', nullable: true })
  relatedCaseId?: number | null;

  /** Optimistic lock: two officers editing one case at once cannot both win. */
  @Property({ version: true })
  version: number = 1;

  @Field({ description: '登记时间' })
  @Property({ defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Property({ defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}

/** One dated step (受理/办理/复查/复核) with its written opinion and the date the reply reached the petitioner. */
@ObjectType('CaseStep', { description: '办理环节' })
@Entity({ tableName: 'case_step' })
export class CaseStep {
  [OptionalProps]?: 'createdAt' | 'deliveredAt';

  @Field(() => ID)
  @PrimaryKey({ autoincrement: true })
  id!: number;

  @ManyToOne(() => PetitionCase, { deleteRule: 'cascade' })
  case!: PetitionCase;

  @Field(() => StepKind, { description: '环节' })
  @Enum({ items: () => StepKind, nativeEnumName: 'case_step_kind' })
  kind!: StepKind;

  @Field({ description: '书面意见' })
  @Property({ columnType: 'text' })
  opinion!: string;

  @Field(() => LocalDate, { description: '作出意见的日期' })
  @Property({ columnType: 'date', type: 'string' })
  decidedAt!: string;

  @Field(() => LocalDate, { nullable: true, description: '意见送达信访人的日期' })
  @Property({ columnType: 'date', type: 'string', nullable: true })
  deliveredAt?: string | null;

  @Field({ description: '记录人' })
  @Property({ length: 200 })
  recordedBy!: string;

  @Property({ defaultRaw: 'now()' })
  createdAt: Date = new Date();
}
