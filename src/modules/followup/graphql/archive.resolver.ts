import { Arg, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import type { Context } from '../../../graphql/context';
import { LAST_ARG, LastInt, latest } from '../../../graphql/list-bound';
import { caseClearText, caseIsClear } from '../../../access/visibility';
import { PERSONAL_DATA_MARK } from '../../petitioner/personal-data';
import { archiveCompleteness, hadReReview } from '../archive.service';
import { ArchiveDocument, ArchiveDocumentVersion, StoredFile, TerminationArchive } from '../followup.entity';
import { ArchiveItemKind } from '../followup.enums';
import { followUpLoaders } from '../followup.loaders';
import { AddArchiveDocumentInput, CorrectArchiveDocumentInput } from './inputs';
import { ArchiveRequirement } from './views';

/**
 * The termination archive (DESIGN.md §2.3, ArchiveService, FileService): documents in versions,
 * never overwritten, and their files. Text and file names are shown in clear only to readers who
 * see the case's petitioner in clear, each read audited (access/visibility.ts).
 */
@Resolver(() => TerminationArchive)
export class TerminationArchiveResolver {
  @Mutation(() => ArchiveDocument, { description: '向信访终结档案添加材料（承办单位经办人员）' })
  addArchiveDocument(@Arg('input') input: AddArchiveDocumentInput, @Ctx() { actor, services }: Context) {
    return services.followup.archive.addDocument(actor, input);
  }

  @Mutation(() => ArchiveDocument, { description: '更正档案材料：新增版本并说明原因，原版本保留' })
  correctArchiveDocument(
    @Arg('input') input: CorrectArchiveDocumentInput,
    @Ctx() { actor, services }: Context,
  ) {
    return services.followup.archive.correctDocument(actor, input);
  }

  private async completeness(a: TerminationArchive, ctx: Context) {
    const loaders = followUpLoaders(ctx);
    const [c, steps, docs] = await Promise.all([
      ctx.loaders.cases.load(a.case.id),
      ctx.loaders.steps.load(a.case.id),
      loaders.documents.load(a.id),
    ]);
    return archiveCompleteness(
      hadReReview(
        c!,
        steps.map((s) => s.kind),
      ),
      docs.map((d) => d.kind),
    );
  }

  @FieldResolver(() => Boolean, { description: '必备材料是否齐全' })
  async complete(@Root() a: TerminationArchive, @Ctx() ctx: Context) {
    return (await this.completeness(a, ctx)).complete;
  }

  @FieldResolver(() => [ArchiveItemKind], { description: '缺少的必备材料' })
  async missing(@Root() a: TerminationArchive, @Ctx() ctx: Context) {
    return (await this.completeness(a, ctx)).missing;
  }

  @FieldResolver(() => [ArchiveRequirement], { description: '各项必备材料及是否已归档' })
  async requirements(@Root() a: TerminationArchive, @Ctx() ctx: Context) {
    return (await this.completeness(a, ctx)).requirements;
  }

  @FieldResolver(() => [ArchiveDocument], { description: '已归档的材料（最后的 last 件）' })
  async documents(
    @Root() a: TerminationArchive,
    @Ctx() ctx: Context,
    @Arg('last', LastInt, LAST_ARG) last: number,
  ) {
    return latest(await followUpLoaders(ctx).documents.load(a.id), last);
  }
}

@Resolver(() => ArchiveDocument)
export class ArchiveDocumentResolver {
  @FieldResolver(() => ArchiveDocumentVersion, { description: '当前版本（最新版本）' })
  async current(@Root() d: ArchiveDocument, @Ctx() ctx: Context) {
    const versions = await followUpLoaders(ctx).versions.load(d.id);
    return versions[versions.length - 1];
  }

  @FieldResolver(() => [ArchiveDocumentVersion], {
    description: '全部版本，从版本 1 起（更正不覆盖原版本）；多于 last 个时为最近的 last 个',
  })
  async versions(
    @Root() d: ArchiveDocument,
    @Ctx() ctx: Context,
    @Arg('last', LastInt, LAST_ARG) last: number,
  ) {
    return latest(await followUpLoaders(ctx).versions.load(d.id), last);
  }
}

@Resolver(() => ArchiveDocumentVersion)
export class ArchiveDocumentVersionResolver {
  @FieldResolver(() => Boolean, {
    description: '文字内容、更正原因和文件名对当前用户是否为明文（false 时为空）',
  })
  clear(@Root() v: ArchiveDocumentVersion, @Ctx() ctx: Context) {
    return caseIsClear(ctx, v.caseId);
  }

  @FieldResolver(() => Boolean, { description: '是否有文字内容' })
  hasText(@Root() v: ArchiveDocumentVersion) {
    return !!v.textEnc;
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: `${PERSONAL_DATA_MARK}文字内容（无权查看者为空）`,
  })
  text(@Root() v: ArchiveDocumentVersion, @Ctx() ctx: Context) {
    if (!v.textEnc) return null;
    return caseClearText(ctx, v.caseId, 'archiveDocument.text', () =>
      ctx.services.followup.archive.openText(v),
    );
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: `${PERSONAL_DATA_MARK}更正原因（版本 1 为空；无权查看者为空）`,
  })
  correctionReason(@Root() v: ArchiveDocumentVersion, @Ctx() ctx: Context) {
    if (!v.reasonEnc) return null;
    return caseClearText(ctx, v.caseId, 'archiveDocument.correctionReason', () =>
      ctx.services.followup.archive.openReason(v),
    );
  }

  @FieldResolver(() => StoredFile, { nullable: true, description: '附件' })
  file(@Root() v: ArchiveDocumentVersion, @Ctx() ctx: Context) {
    return v.file ? followUpLoaders(ctx).file.load(v.file.id) : null;
  }
}

@Resolver(() => StoredFile)
export class StoredFileResolver {
  @FieldResolver(() => String, {
    nullable: true,
    description: `${PERSONAL_DATA_MARK}原文件名（无权查看者为空）`,
  })
  name(@Root() f: StoredFile, @Ctx() ctx: Context) {
    if (f.caseId == null) return null;
    return caseClearText(ctx, f.caseId, 'storedFile.name', () => ctx.services.followup.files.openName(f));
  }

  @FieldResolver(() => String, {
    description: '下载地址（GET，带 Authorization: Bearer 令牌；仅可查看个人信息明文的用户可下载，下载留痕）',
  })
  downloadPath(@Root() f: StoredFile) {
    return `/files/${f.id}`;
  }
}
