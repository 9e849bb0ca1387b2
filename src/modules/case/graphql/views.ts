import { Field, ObjectType } from 'type-graphql';
import { Connection } from '../../../graphql/connection';
import { LocalDate } from '../../../graphql/scalars/local-date';
import { PetitionCase } from '../case.entity';
import { CurrentStep } from '../case.enums';

/*
 * The case module's GraphQL object types that are not entities. PetitionCase and CaseStep are
 * object types themselves (case.entity.ts); the case's computed fields are in case-fields.resolver.ts.
 */

@ObjectType('CaseProgress', { description: '当前环节及法定期限' })
export class CaseProgress {
  @Field(() => CurrentStep)
  currentStep!: CurrentStep;
  @Field(() => LocalDate, { nullable: true, description: '当前环节的期限（YYYY-MM-DD）' })
  dueDate!: string | null;
  @Field({ description: '本单位应办环节是否已超期' })
  overdue!: boolean;
}

export const CaseConnection = Connection('Case', PetitionCase, '信访事项列表');
