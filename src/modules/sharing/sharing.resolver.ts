import {
  Arg,
  Ctx,
  Field,
  FieldResolver,
  Float,
  ID,
  Info,
  InputType,
  Int,
  Mutation,
  ObjectType,
  Query,
  Resolver,
  Root,
  registerEnumType,
} from 'type-graphql';
import { Kind, type GraphQLResolveInfo } from 'graphql';
import type { Context } from '../../graphql/context';
import { primeCaseUnits } from '../../access/visibility';
import { PageInfo } from '../../graphql/connection';
import { PetitionCase } from '../case/case.entity';
import { Category } from '../case/case.enums';
import { PetitionerView, petitionerView } from '../petitioner/petitioner.graphql';
import type { DuplicateCheckOutcome } from './sharing.service';
import { PAGE_MAX } from '../../shared/paging';
import { Cost } from '../../graphql/cost';
import { MAX_MATCHES } from './duplicate-method';
import { LocalDate } from '../../graphql/scalars/local-date';

enum DuplicateVerdictEnum {
  DUPLICATE = 'DUPLICATE',
  POSSIBLE_DUPLICATE = 'POSSIBLE_DUPLICATE',
  NO_MATCH = 'NO_MATCH',
}
registerEnumType(DuplicateVerdictEnum, {
  name: 'DuplicateVerdict',
  description: '重复信访核查结论',
  valuesConfig: {
    DUPLICATE: { description: '同一信访人以同一事实和理由再次提出，且该事项已终结：不予受理' },
    POSSIBLE_DUPLICATE: { description: '可能重复，需人工研判' },
    NO_MATCH: { description: '未发现已终结的相同事项' },
  },
});

@InputType('DuplicateCheckInput', { description: '受理前重复信访核查' })
class DuplicateCheckInput {
  @Field(() => String, { nullable: true, description: '居民身份证号码（可含空格、小写 x）' })
  idNumber?: string | null;
  @Field(() => String, { nullable: true, description: '姓名（与电话一起用于核对身份）' })
  name?: string | null;
  @Field(() => String, { nullable: true, description: '联系电话' })
  phone?: string | null;
  @Field({ description: '新信访所述的事实和理由' })
  content!: string;
}

@ObjectType('DuplicateMatch', {
  description:
    '疑似相同的已终结事项；已知信访人本人的已终结事项总是列出（即使结论为未发现相同事项），便于了解此前所反映的内容',
})
class DuplicateMatch {
  @Field(() => PetitionCase, { description: '已终结的信访事项' })
  case!: PetitionCase;
  @Field({ description: '是否为同一信访人（身份证号或姓名加电话一致）' })
  sameIdentity!: boolean;
  @Field(() => Float, { description: '事实和理由的相似度（0–1）' })
  contentSimilarity!: number;
  @Field(() => Float, { description: '综合得分（0–1）' })
  score!: number;
  @Field(() => [String], {
    description:
      '评分依据：一致和不一致的关键事实（金额、面积、单价、日期、门牌房号、地名、单位名称等，按类别），晚于原事项的日期，文字相似度。不含个人信息：门牌房号、地名、单位名称只列处数',
  })
  reasons!: string[];
}

@ObjectType('DuplicateCheckResult', { description: '重复信访核查结果' })
class DuplicateCheckResult {
  @Field(() => DuplicateVerdictEnum)
  verdict!: DuplicateVerdictEnum;
  @Cost({ assumedSize: MAX_MATCHES }) // the service returns at most MAX_MATCHES
  @Field(() => [DuplicateMatch])
  matches!: DuplicateMatch[];
  @Field({
    description:
      '是否比对了全部候选事项；为 false 时结论不完整（此时结论不会是 NO_MATCH），须人工核查，原因见 incompleteReason',
  })
  complete!: boolean;
  @Field(() => String, { nullable: true, description: '结论不完整的原因（complete 为 false 时给出）' })
  incompleteReason?: string | null;
}

@InputType({ description: '已终结事项筛选条件' })
class TerminatedCaseFilterInput {
  @Field(() => Category, { nullable: true })
  category?: Category | null;
  @Field(() => String, { nullable: true, description: '承办单位代码' })
  unitCode?: string | null;
  @Field(() => Boolean, { nullable: true, description: '是否包括下级单位（默认包括）' })
  includeSubunits?: boolean | null;
  @Field(() => LocalDate, { nullable: true, description: '终结日期起 YYYY-MM-DD' })
  terminatedFrom?: string | null;
  @Field(() => LocalDate, { nullable: true, description: '终结日期止 YYYY-MM-DD' })
  terminatedTo?: string | null;
  @Field(() => String, { nullable: true, description: '标题或事实和理由中的文字（至少2字）' })
  text?: string | null;
}

@ObjectType('TerminatedCaseConnection', { description: '已终结事项列表（信息共享）' })
class TerminatedCaseConnection {
  @Field(() => [PetitionCase])
  nodes!: PetitionCase[];
  @Field(() => PageInfo)
  pageInfo!: PageInfo;
  /** Counted only when selected. */
  count!: () => Promise<number>;
}

/**
 * The field names selected on `nodes`, or null when fragments are involved (then every column is
 * read): the service reads only the columns the page needs.
 */
function selectedNodeFields(info: GraphQLResolveInfo): Set<string> | null {
  const names = new Set<string>();
  for (const node of info.fieldNodes)
    for (const sel of node.selectionSet?.selections ?? []) {
      if (sel.kind !== Kind.FIELD) return null;
      if (sel.name.value !== 'nodes') continue;
      for (const f of sel.selectionSet?.selections ?? []) {
        if (f.kind !== Kind.FIELD) return null;
        names.add(f.name.value);
      }
    }
  return names;
}

@Resolver(() => TerminatedCaseConnection)
export class TerminatedCaseConnectionResolver {
  @FieldResolver(() => Int, { description: '符合条件的已终结事项总数' })
  totalCount(@Root() c: TerminatedCaseConnection) {
    return c.count();
  }
}

@Resolver()
export class SharingResolver {
  @Cost({ pageCap: PAGE_MAX })
  @Query(() => TerminatedCaseConnection, {
    description: `已终结的信访事项（所有部门可查，个人信息脱敏；每页最多 ${PAGE_MAX} 条）`,
  })
  async terminatedCases(
    @Ctx() ctx: Context,
    @Arg('filter', () => TerminatedCaseFilterInput, { nullable: true }) filter?: TerminatedCaseFilterInput,
    @Arg('first', () => Int, { defaultValue: 20 }) first = 20,
    @Arg('after', () => String, { nullable: true }) after?: string,
    @Info() info?: GraphQLResolveInfo,
  ) {
    const page = await ctx.services.sharing.terminatedCases(
      ctx.actor,
      filter ?? {},
      first,
      after,
      info ? selectedNodeFields(info) : null,
    );
    // each row's unit and visibility are then known without a promise per field
    await primeCaseUnits(ctx, page.nodes);
    return {
      nodes: page.nodes,
      pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.endCursor },
      count: page.count,
    };
  }

  @Query(() => PetitionCase, { description: '按 ID 查询已终结的信访事项' })
  terminatedCase(@Arg('id', () => ID) id: string, @Ctx() { actor, services }: Context) {
    return services.sharing.terminatedCase(actor, Number(id));
  }

  @Cost({ own: 100 }) // identity look-up plus the rare-bigram postings search (dup-candidates.ts)
  @Query(() => DuplicateCheckResult, { description: '受理前核查：同一信访人的同一事项是否已终结' })
  async checkDuplicate(
    @Arg('input') input: DuplicateCheckInput,
    @Ctx() { actor, services }: Context,
  ): Promise<DuplicateCheckOutcome> {
    return services.sharing.checkDuplicate(actor, input);
  }

  @Mutation(() => PetitionerView, { description: '监督检查人员说明理由后查看一名信访人的明文信息（留痕）' })
  async revealPetitioner(
    @Arg('caseId', () => ID) caseId: string,
    @Arg('reason', { description: '查看理由' }) reason: string,
    @Ctx() ctx: Context,
  ): Promise<PetitionerView> {
    const c = await ctx.services.sharing.reveal(ctx.actor, Number(caseId), reason);
    return petitionerView(ctx, c, 'CLEAR');
  }
}
