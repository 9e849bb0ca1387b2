import { Arg, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import type { Context } from '../../../graphql/context';
import { IdempotencyKeyArg } from '../../../graphql/idempotency-key';
import { LocalDate } from '../../../graphql/scalars/local-date';
import { PetitionCase } from '../case.entity';
import { StepKind } from '../case.enums';
import { RecordStepInput } from './inputs';

/**
 * The procedure's steps on a case (DESIGN.md §2.1): opinions, deliveries, the petitioner's
 * requests for review, a repeat submission, a good reason, the one extension. The periods and
 * what each step may follow are case.service.ts with procedure.ts; each mutation answers the case.
 */
@Resolver(() => PetitionCase)
export class CaseProcedureResolver {
  @Mutation(() => PetitionCase, { description: '记录办理、复查或复核意见' })
  recordStep(@Arg('input') input: RecordStepInput, @Ctx() { actor, services }: Context) {
    return services.cases.recordStep(actor, Number(input.caseId), input.kind, input, input.idempotencyKey);
  }

  @Mutation(() => PetitionCase, { description: '补记某环节意见送达信访人的日期' })
  recordDelivery(
    @Arg('caseId', () => ID) id: string,
    @Arg('kind', () => StepKind) kind: StepKind,
    @Arg('deliveredAt', () => LocalDate) deliveredAt: string,
    @IdempotencyKeyArg() idempotencyKey: string | null,
    @Ctx() { actor, services }: Context,
  ) {
    return services.cases.recordDelivery(actor, Number(id), kind, deliveredAt, idempotencyKey);
  }

  @Mutation(() => PetitionCase, { description: '记录信访人申请复查（kind=REVIEW）或复核（kind=RE_REVIEW）' })
  recordRequest(
    @Arg('caseId', () => ID) id: string,
    @Arg('kind', () => StepKind) kind: StepKind,
    @Arg('requestedAt', () => LocalDate) requestedAt: string,
    @IdempotencyKeyArg() idempotencyKey: string | null,
    @Ctx() { actor, services }: Context,
  ) {
    return services.cases.recordRequest(actor, Number(id), kind, requestedAt, idempotencyKey);
  }

  @Mutation(() => PetitionCase, { description: '记录复核后信访人以同一事实和理由再次提出' })
  recordRepeatSubmission(
    @Arg('caseId', () => ID) id: string,
    @Arg('submittedAt', () => LocalDate) submittedAt: string,
    @Arg('note') note: string,
    @IdempotencyKeyArg() idempotencyKey: string | null,
    @Ctx() { actor, services }: Context,
  ) {
    return services.cases.recordRepeatSubmission(actor, Number(id), submittedAt, note, idempotencyKey);
  }

  @Mutation(() => PetitionCase, { description: '记录正当理由' })
  recordGoodReason(
    @Arg('caseId', () => ID) id: string,
    @Arg('reason') reason: string,
    @Arg('recordedAt', () => LocalDate) recordedAt: string,
    @IdempotencyKeyArg() idempotencyKey: string | null,
    @Ctx() { actor, services }: Context,
  ) {
    return services.cases.recordGoodReason(actor, Number(id), reason, recordedAt, idempotencyKey);
  }

  @Mutation(() => PetitionCase, { description: '延长办理期限（一次）' })
  extendHandling(
    @Arg('caseId', () => ID) id: string,
    @IdempotencyKeyArg() idempotencyKey: string | null,
    @Ctx() { actor, services }: Context,
  ) {
    return services.cases.extendHandling(actor, Number(id), idempotencyKey);
  }
}
