import { wrap } from '@mikro-orm/core';
import { Arg, Args, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../../graphql/context';
import { IdempotencyKeyArg } from '../../../graphql/idempotency-key';
import { loadUnit } from '../../../graphql/loaders';
import { LocalDate } from '../../../graphql/scalars/local-date';
import { visibleCase } from '../../../access/jurisdiction';
import { caseClearText } from '../../../access/visibility';
import { PetitionCase } from '../../case/case.entity';
import { DeliveryMethod, TerminationCondition } from '../../case/case.enums';
import { Unit } from '../../org/unit.entity';
import { PERSONAL_DATA_MARK } from '../../petitioner/personal-data';
import { TerminationApplication } from '../termination.entity';
import { InboxArgs } from './args';

type OfficerText = 'statement' | 'returnReasons' | 'notificationExplanation';

/**
 * Officer-written free text on an application (DESIGN.md §3: it can carry personal data, like
 * visit notes): the value only for readers who see the case's petitioner in clear, queued for the
 * request's audit entry (access/visibility.ts caseClearText); null otherwise, and for an empty text.
 */
function officerText(
  ctx: Context,
  a: TerminationApplication,
  field: OfficerText,
): Promise<string | null> | null {
  const value = a[field];
  return value ? caseClearText(ctx, a.case.id, `terminationApplication.${field}`, () => value) : null;
}

/**
 * Termination applications (DESIGN.md §2.2): applying, the nearest agency's examination
 * (approve or return), notifying the petitioner, the agency's work queue, and the application's
 * fields. The conditions and who may act are termination.service.ts with case/procedure.ts.
 */
@Resolver(() => TerminationApplication)
export class TerminationResolver {
  @Mutation(() => TerminationApplication, {
    description: '申请信访终结（承办单位经办人员），须写明所依据的终结条件',
  })
  applyForTermination(
    @Arg('caseId', () => ID) caseId: string,
    @Arg('condition', () => TerminationCondition) condition: TerminationCondition,
    @Arg('statement', { description: '申请说明' }) statement: string,
    @IdempotencyKeyArg() idempotencyKey: string | null,
    @Ctx() { actor, services }: Context,
  ) {
    return services.termination.apply(actor, Number(caseId), condition, statement, idempotencyKey);
  }

  @Mutation(() => TerminationApplication, {
    description: '批准终结申请（最近的上一级信访工作机构），生成终结决定文号',
  })
  approveTermination(
    @Arg('applicationId', () => ID) id: string,
    @IdempotencyKeyArg() idempotencyKey: string | null,
    @Ctx() { actor, services }: Context,
  ) {
    return services.termination.approve(actor, Number(id), idempotencyKey);
  }

  @Mutation(() => TerminationApplication, { description: '退回终结申请，必须说明理由' })
  returnTermination(
    @Arg('applicationId', () => ID) id: string,
    @Arg('reasons', { description: '退回理由' }) reasons: string,
    @IdempotencyKeyArg() idempotencyKey: string | null,
    @Ctx() { actor, services }: Context,
  ) {
    return services.termination.returnApplication(actor, Number(id), reasons, idempotencyKey);
  }

  @Mutation(() => TerminationApplication, { description: '记录告知信访人（书面告知），事项随即终结' })
  notifyTermination(
    @Arg('caseId', () => ID) caseId: string,
    @Arg('notifiedAt', () => LocalDate, { description: '告知日期 YYYY-MM-DD' }) notifiedAt: string,
    @Arg('deliveryMethod', () => DeliveryMethod) deliveryMethod: DeliveryMethod,
    @Arg('explanation', { description: '告知时所作的解释说明' }) explanation: string,
    @IdempotencyKeyArg() idempotencyKey: string | null,
    @Ctx() { actor, services }: Context,
  ) {
    const notice = { notifiedAt, deliveryMethod, explanation };
    return services.termination.notify(actor, Number(caseId), notice, idempotencyKey);
  }

  @Query(() => [TerminationApplication], {
    description:
      '待本机构审核的终结申请：按申请时间从早到晚（最早的离审核期限最近），前 first 份；共有多少份见 pendingTerminationApplicationCount',
  })
  pendingTerminationApplications(@Args() { first }: InboxArgs, @Ctx() { actor, services }: Context) {
    return services.termination.inbox(actor, first);
  }

  @Query(() => Int, { description: '待本机构审核的终结申请共有多少份' })
  pendingTerminationApplicationCount(@Ctx() { actor, services }: Context) {
    return services.termination.inboxSize(actor);
  }

  // ---- fields ----

  @FieldResolver(() => PetitionCase, {
    nullable: true,
    description: '所属信访事项（已终结的事项所有人可见，其他事项限本单位及下级单位；不可见时为空）',
  })
  case(@Root() a: TerminationApplication, @Ctx() ctx: Context) {
    return visibleCase(ctx, a.case.id);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: `${PERSONAL_DATA_MARK}申请说明（经办人员书写；无权查看者为空）`,
  })
  statement(@Root() a: TerminationApplication, @Ctx() ctx: Context) {
    return officerText(ctx, a, 'statement');
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: `${PERSONAL_DATA_MARK}退回理由（审核人员书写；无权查看者为空）`,
  })
  returnReasons(@Root() a: TerminationApplication, @Ctx() ctx: Context) {
    return officerText(ctx, a, 'returnReasons');
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: `${PERSONAL_DATA_MARK}告知时所作的解释说明（经办人员书写；无权查看者为空）`,
  })
  notificationExplanation(@Root() a: TerminationApplication, @Ctx() ctx: Context) {
    return officerText(ctx, a, 'notificationExplanation');
  }

  @FieldResolver(() => Unit, { description: '审核机构（最近的上一级信访工作机构）' })
  examiningUnit(@Root() a: TerminationApplication, @Ctx() { loaders }: Context) {
    // Joined by the applications loader; loaded through the unit loader otherwise.
    return wrap(a.examiningUnit).isInitialized() ? a.examiningUnit : loadUnit(loaders, a.examiningUnit.id);
  }
}
