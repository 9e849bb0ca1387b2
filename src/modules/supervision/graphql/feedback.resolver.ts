import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../../graphql/context';
import { Cost } from '../../../graphql/cost';
import { PAGE_MAX } from '../../../shared/paging';
import { toConnection } from '../../../graphql/connection';
import { loadUnit } from '../../../graphql/loaders';
import { visibleCase } from '../../../access/jurisdiction';
import { feedbackSubmitter, submitterVisibility } from '../../../access/visibility';
import { PageArgs } from '../../../shared/graphql-args';
import { PetitionCase } from '../../case/case.entity';
import { Unit } from '../../org/unit.entity';
import { PERSONAL_DATA_MARK } from '../../petitioner/personal-data';
import { PublicFeedback } from '../supervision.entity';
import { FeedbackSatisfaction } from '../supervision.enums';
import { PAGE } from './args';
import { PublicFeedbackFilterInput, RecordPublicFeedbackInput } from './inputs';
import { PublicFeedbackConnection } from './views';

/**
 * Public feedback (external supervision, DESIGN.md §2.4, FeedbackService): record, assign, answer,
 * close. Who sees the submitter in clear, and the audit of each clear read, are src/access's
 * (`submitterVisibility`, `feedbackSubmitter`).
 */
@Resolver(() => PublicFeedback)
export class PublicFeedbackResolver {
  @Cost({ pageCap: PAGE_MAX })
  @Query(() => PublicFeedbackConnection, {
    description: `社会监督意见（监督检查人员、审核人员看管辖范围内的；经办人员看交本单位办理的；${PAGE}）`,
  })
  async publicFeedbackList(
    @Ctx() { actor, services }: Context,
    @Arg('filter', () => PublicFeedbackFilterInput, { nullable: true })
    filter: PublicFeedbackFilterInput | undefined,
    @Args() { first, after }: PageArgs,
  ) {
    return toConnection(await services.supervision.feedback.list(actor, filter ?? {}, first, after));
  }

  @Query(() => PublicFeedback, { description: '按 ID 查询社会监督意见' })
  publicFeedback(@Arg('id', () => ID) id: string, @Ctx() { actor, services }: Context) {
    return services.supervision.feedback.byId(actor, Number(id));
  }

  @Mutation(() => PublicFeedback, { description: '登记社会监督意见（监督检查人员或信访工作机构审核人员）' })
  recordPublicFeedback(@Arg('input') input: RecordPublicFeedbackInput, @Ctx() { actor, services }: Context) {
    return services.supervision.feedback.record(actor, input);
  }

  @Mutation(() => PublicFeedback, {
    description: '交办社会监督意见（登记单位或其上级）：RECEIVED → ASSIGNED；答复前可改交',
  })
  assignPublicFeedback(
    @Arg('feedbackId', () => ID) feedbackId: string,
    @Arg('unitCode', { description: '承办单位代码' }) unitCode: string,
    @Arg('note', () => String, { nullable: true, description: '交办意见' }) note: string | null,
    @Ctx() { actor, services }: Context,
  ) {
    return services.supervision.feedback.assign(actor, { feedbackId, unitCode, note });
  }

  @Mutation(() => PublicFeedback, {
    description: '答复社会监督意见（承办单位的经办人员）：ASSIGNED → ANSWERED',
  })
  answerPublicFeedback(
    @Arg('feedbackId', () => ID) feedbackId: string,
    @Arg('answer', { description: '答复内容' }) answer: string,
    @Ctx() { actor, services }: Context,
  ) {
    return services.supervision.feedback.answer(actor, { feedbackId, answer });
  }

  @Mutation(() => PublicFeedback, { description: '办结社会监督意见（登记单位或其上级）：ANSWERED → CLOSED' })
  closePublicFeedback(
    @Arg('feedbackId', () => ID) feedbackId: string,
    @Arg('satisfaction', () => FeedbackSatisfaction, { nullable: true, description: '反馈人对答复的评价' })
    satisfaction: FeedbackSatisfaction | null,
    @Arg('note', () => String, { nullable: true, description: '办结意见' }) note: string | null,
    @Ctx() { actor, services }: Context,
  ) {
    return services.supervision.feedback.close(actor, { feedbackId, satisfaction, note });
  }

  @FieldResolver(() => Boolean, { description: '反馈人信息对当前用户是否为明文（false 表示已脱敏）' })
  async clear(@Root() f: PublicFeedback, @Ctx() ctx: Context) {
    return (await submitterVisibility(ctx, f)) === 'CLEAR';
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: `${PERSONAL_DATA_MARK}反馈人姓名（承办单位经办人员可见明文，其他人脱敏；匿名时为空）`,
  })
  submitterName(@Root() f: PublicFeedback, @Ctx() ctx: Context) {
    return feedbackSubmitter(ctx, f, 'submitterName');
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: `${PERSONAL_DATA_MARK}反馈人电话（承办单位经办人员可见明文，其他人脱敏）`,
  })
  submitterPhone(@Root() f: PublicFeedback, @Ctx() ctx: Context) {
    return feedbackSubmitter(ctx, f, 'submitterPhone');
  }

  @FieldResolver(() => Unit, { description: '所涉及的单位' })
  concernedUnit(@Root() f: PublicFeedback, @Ctx() { loaders }: Context) {
    return loadUnit(loaders, f.concernedUnit.id);
  }

  @FieldResolver(() => Unit, { description: '登记单位' })
  recordingUnit(@Root() f: PublicFeedback, @Ctx() { loaders }: Context) {
    return loadUnit(loaders, f.recordingUnit.id);
  }

  @FieldResolver(() => Unit, { nullable: true, description: '承办单位' })
  assignedUnit(@Root() f: PublicFeedback, @Ctx() { loaders }: Context) {
    return f.assignedUnit ? loadUnit(loaders, f.assignedUnit.id) : null;
  }

  @FieldResolver(() => PetitionCase, {
    nullable: true,
    description: '所涉及的已终结事项（信访人信息按权限脱敏）',
  })
  case(@Root() f: PublicFeedback, @Ctx() ctx: Context) {
    return f.caseId ? visibleCase(ctx, f.caseId) : null;
  }
}
