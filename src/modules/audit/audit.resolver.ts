import { Arg, Ctx, Field, ID, InputType, Int, ObjectType, Query, Resolver } from 'type-graphql';
import { GraphQLJSONObject, GraphQLSafeInt } from 'graphql-scalars';
import type { Context } from '../../graphql/context';
import { Cost } from '../../graphql/cost';
import { AUDIT_LOG_PAGE_CAP } from '../../shared/paging';
import { PageInfo } from '../../graphql/connection';
import { AUDIT_PAGE_DEFAULT, type AuditLogPage } from './audit.service';

@ObjectType('AuditVerification', { description: '审计日志哈希链校验结果' })
export class AuditVerification {
  @Field({ description: '整条链完整无误' })
  ok!: boolean;

  @Field(() => GraphQLSafeInt, { description: '已校验无误的记录条数（从第 1 条到第一处损坏之前）' })
  checked!: number;

  @Field(() => GraphQLSafeInt, { nullable: true, description: '第一处损坏的记录序号；完整时为空' })
  firstBrokenSeq!: number | null;

  @Field(() => String, { nullable: true, description: '第一处损坏的说明（中文，附英文代码词）；完整时为空' })
  problem!: string | null;

  @Field(() => GraphQLSafeInt, {
    nullable: true,
    description: '最后一条完好记录的序号；可连同其哈希抄录在系统之外，日后用作锚点，以发现尾部被截断或改写',
  })
  lastSeq!: number | null;

  @Field(() => String, { nullable: true, description: '最后一条完好记录的哈希' })
  lastHash!: string | null;
}

@ObjectType('AuditLogEntry', { description: '一条审计记录（只能追加，不含个人信息明文）' })
export class AuditLogEntry {
  @Field(() => GraphQLSafeInt, { description: '序号，从 1 起连续无间断' })
  seq!: number;
  @Field(() => Date, { description: '发生时间' })
  at!: Date;
  @Field(() => String, { nullable: true, description: '操作人标识' })
  userId!: string | null;
  @Field(() => String, { nullable: true, description: '操作人姓名' })
  userName!: string | null;
  @Field(() => String, { nullable: true, description: '操作人角色' })
  role!: string | null;
  @Field(() => String, { nullable: true, description: '操作人所属单位代码' })
  unitCode!: string | null;
  @Field({
    description: '操作，如 case.read.clear、petitioner.reveal、sharing.checkDuplicate、termination.approve',
  })
  operation!: string;
  @Field(() => ID, { nullable: true, description: '涉及的案件 ID' })
  caseId!: number | null;
  @Field(() => ID, { nullable: true, description: '涉及的信访人 ID' })
  petitionerId!: number | null;
  @Field(() => [String], { nullable: true, description: '涉及的个人信息字段名' })
  fields!: string[] | null;
  @Field(() => String, {
    nullable: true,
    description: '操作人陈述的理由（如查看明文的理由；其中的个人信息按脱敏显示）',
  })
  reason!: string | null;
  @Field(() => GraphQLJSONObject, {
    nullable: true,
    description: '其他细节（盲索引、结论等，不含个人信息明文）',
  })
  details!: Record<string, unknown> | null;
  @Field({ description: '本条记录的哈希（sha256，十六进制）' })
  hash!: string;
}

@ObjectType('AuditLogEdge', { description: '审计记录及其游标' })
export class AuditLogEdge {
  @Field({ description: '游标，用作下一页的 after' })
  cursor!: string;
  @Field(() => AuditLogEntry, { description: '审计记录' })
  node!: AuditLogEntry;
}

@ObjectType('AuditLogConnection', { description: '审计日志（一页，按序号倒序，最新在前）' })
export class AuditLogConnection {
  constructor(private readonly page: AuditLogPage) {}

  @Field(() => [AuditLogEdge], { description: '本页记录及游标' })
  get edges(): AuditLogEdge[] {
    return this.page.edges;
  }

  @Field(() => [AuditLogEntry], { description: '本页记录' })
  get nodes(): AuditLogEntry[] {
    return this.page.edges.map((e) => e.node);
  }

  @Field(() => PageInfo, { description: '分页信息' })
  get pageInfo(): PageInfo {
    return this.page.pageInfo;
  }

  @Field(() => GraphQLSafeInt, { description: '符合筛选条件的记录总数（只在请求此字段时计数）' })
  get totalCount(): Promise<number> {
    return this.page.totalCount();
  }
}

@InputType('AuditLogFilter', { description: '审计日志筛选条件（各条件同时满足）' })
export class AuditLogFilter {
  @Field(() => ID, { nullable: true, description: '案件 ID' })
  caseId?: string | null;
  @Field(() => String, { nullable: true, description: '操作人标识' })
  userId?: string | null;
  @Field(() => String, { nullable: true, description: '操作，如 petitioner.reveal' })
  operation?: string | null;
  @Field(() => Date, { nullable: true, description: '起始时间（含）' })
  from?: Date | null;
  @Field(() => Date, { nullable: true, description: '截止时间（不含）' })
  to?: Date | null;
}

/** Supervision of the audit log (SUPERVISOR only; the rules are in graphql/permissions.ts). */
@Resolver()
export class AuditResolver {
  // Walks the whole audit log: the entire budget, so a request carries it once and nothing beside it.
  @Cost({ wholeBudget: true })
  @Query(() => AuditVerification, {
    description: '校验审计日志哈希链：逐条重算哈希与前后衔接，发现修改、删除、插入或次序调换（监督检查人员）',
  })
  async verifyAuditChain(@Ctx() { actor, services }: Context): Promise<AuditVerification> {
    const r = await services.audit.verify(actor);
    return {
      ok: r.ok,
      checked: r.checked,
      firstBrokenSeq: r.firstBroken?.seq ?? null,
      problem: r.firstBroken?.problem ?? null,
      lastSeq: r.lastSeq,
      lastHash: r.lastHash,
    };
  }

  @Cost({ pageCap: AUDIT_LOG_PAGE_CAP.max })
  @Query(() => AuditLogConnection, {
    description:
      '查询审计日志，按序号倒序（最新在前）分页（监督检查人员；只含本单位及下级单位人员的操作和对其承办事项的操作；根单位另含系统任务的记录，看不到另一棵单位树的记录）',
  })
  async auditLog(
    @Ctx() { actor, services }: Context,
    @Arg('filter', () => AuditLogFilter, { nullable: true, description: '筛选条件' })
    filter?: AuditLogFilter | null,
    @Arg('first', () => Int, {
      defaultValue: AUDIT_PAGE_DEFAULT,
      description: `每页条数，默认 ${AUDIT_PAGE_DEFAULT}，最多 ${AUDIT_LOG_PAGE_CAP.max}（超出按 ${AUDIT_LOG_PAGE_CAP.max} 计）`,
    })
    first: number = AUDIT_PAGE_DEFAULT,
    @Arg('after', () => String, { nullable: true, description: '上一页的 endCursor' })
    after?: string | null,
  ): Promise<AuditLogConnection> {
    return new AuditLogConnection(await services.audit.list(actor, filter ?? {}, first, after));
  }
}
