import { Arg, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { Context } from '../../../graphql/context';
import { Cost } from '../../../graphql/cost';
import { LAST_ARG, LastInt, latest } from '../../../graphql/list-bound';
import { unitOf } from '../../../graphql/loaders';
import { caseVisibility, clearText, knownCaseVisibility } from '../../../access/visibility';
import { Unit } from '../../org/unit.entity';
import { PetitionerView, petitionerView } from '../../petitioner/petitioner.graphql';
import { PERSONAL_DATA_MARK } from '../../petitioner/personal-data';
import { TerminationApplication } from '../../termination/termination.entity';
import { CaseStep, PetitionCase } from '../case.entity';
import { CaseProgress } from './views';

/**
 * The case's computed fields: the petitioner and the officers' text as the reader may see them
 * (access/visibility.ts), the handling unit, steps and applications through the request's
 * loaders, the progress as case.service.ts computes it.
 */
@Resolver(() => PetitionCase)
export class CaseFieldsResolver {
  @FieldResolver(() => PetitionerView, { description: '信访人（个人信息按角色和单位脱敏）' })
  petitioner(@Root() c: PetitionCase, @Ctx() ctx: Context): PetitionerView | Promise<PetitionerView> {
    // without a promise when the page has primed its units (one per row adds up on a page)
    const known = knownCaseVisibility(ctx, c);
    if (known) return petitionerView(ctx, c, known);
    return caseVisibility(ctx, c).then((v) => petitionerView(ctx, c, v));
  }

  @FieldResolver(() => Unit, { description: '承办单位' })
  handlingUnit(@Root() c: PetitionCase, @Ctx() { loaders }: Context) {
    return unitOf(loaders, c.handlingUnit.id);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: `${PERSONAL_DATA_MARK}正当理由（经办人员书写；无权查看者为空）`,
  })
  async goodReason(@Root() c: PetitionCase, @Ctx() ctx: Context) {
    return clearText(ctx, c, 'case.goodReason', c.goodReason);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: `${PERSONAL_DATA_MARK}再次提出的情况说明（经办人员书写；无权查看者为空）`,
  })
  async repeatSubmissionNote(@Root() c: PetitionCase, @Ctx() ctx: Context) {
    return clearText(ctx, c, 'case.repeatSubmissionNote', c.repeatSubmissionNote);
  }

  @Cost({ assumedSize: 4 }) // one step per kind
  @FieldResolver(() => [CaseStep], { description: '受理、办理、复查、复核各环节' })
  steps(@Root() c: PetitionCase, @Ctx() { loaders }: Context) {
    return loaders.steps.load(c.id);
  }

  @FieldResolver(() => CaseProgress, { description: '当前环节、期限及是否超期' })
  async progress(@Root() c: PetitionCase, @Ctx() { loaders, services }: Context) {
    return services.cases.progress(await services.cases.facts(c, await loaders.steps.load(c.id)));
  }

  @FieldResolver(() => [TerminationApplication], { description: '终结申请（含退回的；最近的 last 份）' })
  async terminationApplications(
    @Root() c: PetitionCase,
    @Ctx() { loaders }: Context,
    @Arg('last', LastInt, LAST_ARG) last: number,
  ) {
    return latest(await loaders.applications.load(c.id), last);
  }

  @FieldResolver(() => TerminationApplication, {
    nullable: true,
    description: '已批准的终结申请（终结决定和告知记录）',
  })
  async termination(@Root() c: PetitionCase, @Ctx() { loaders, services }: Context) {
    return services.termination.approvedOf(await loaders.applications.load(c.id));
  }
}
