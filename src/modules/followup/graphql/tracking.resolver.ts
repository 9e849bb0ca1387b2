import { Arg, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import type { Context } from '../../../graphql/context';
import { caseClearText, caseIsClear } from '../../../access/visibility';
import { PERSONAL_DATA_MARK } from '../../petitioner/personal-data';
import { TrackingRecord } from '../followup.entity';
import { openOnce } from '../sealed-text';
import type { TrackingNotes } from '../tracking.service';
import { RecordTrackingInput } from './inputs';

/** Dynamic tracking (DESIGN.md §2.3, TrackingService): recording it, and its notes. */
@Resolver(() => TrackingRecord)
export class TrackingRecordResolver {
  @Mutation(() => TrackingRecord, { description: '记录动态跟踪（承办单位经办人员）' })
  recordTracking(@Arg('input') input: RecordTrackingInput, @Ctx() { actor, services }: Context) {
    return services.followup.tracking.record(actor, input);
  }

  private notes(r: TrackingRecord, ctx: Context): TrackingNotes {
    return openOnce(r, () => ctx.services.followup.tracking.openNotes(r));
  }

  @FieldResolver(() => Boolean, { description: '情况说明对当前用户是否为明文（false 时为空）' })
  clear(@Root() r: TrackingRecord, @Ctx() ctx: Context) {
    return caseIsClear(ctx, r.case.id);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: `${PERSONAL_DATA_MARK}动态情况（无权查看者为空）`,
  })
  situation(@Root() r: TrackingRecord, @Ctx() ctx: Context) {
    return caseClearText(ctx, r.case.id, 'trackingRecord.notes', () => this.notes(r, ctx).situation);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: `${PERSONAL_DATA_MARK}采取的措施（无权查看者为空）`,
  })
  measures(@Root() r: TrackingRecord, @Ctx() ctx: Context) {
    return caseClearText(ctx, r.case.id, 'trackingRecord.notes', () => this.notes(r, ctx).measures);
  }
}
