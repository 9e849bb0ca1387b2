import type { EntityManager } from '@mikro-orm/postgresql';
import type { Actor } from '../../auth/actor';
import type { Deps } from '../../shared/deps';
import { NotFoundError, OracleSuspectedError, Problems, RateLimitedError } from '../../errors';
import { spend, type UsageWindow } from '../../shared/usage-windows';
import { isIsoDate } from '../../shared/dates';
import type { AuditService } from '../audit/audit.service';
import { PetitionCase } from '../case/case.entity';
import { CaseStatus, Category } from '../case/case.enums';
import { Unit } from '../org/unit.entity';
import { checkIdNumber, checkPhone, normaliseName } from '../petitioner/identity';
import { isSameOrBelow } from '../../access/jurisdiction';
import { checkPage, keysetPage, type Page } from '../../shared/paging';
import {
  compareContent,
  judge,
  queryProfile,
  contentIndexText,
  type DuplicateCandidate,
  type DuplicateJudgement,
  type DuplicateVerdict,
} from './duplicate-method';
import { lookUpCandidates, type AllowanceRule, type CandidateRow } from './dup-candidates';
import { caseRows } from './case-rows';

export interface TerminatedCaseFilter {
  category?: Category | null;
  /** Handling unit code; with `includeSubunits` (default true) also the units below it. */
  unitCode?: string | null;
  includeSubunits?: boolean | null;
  terminatedFrom?: string | null;
  terminatedTo?: string | null;
  /** Words in the title or the facts and reasons (at least 2 characters). */
  text?: string | null;
}

export interface DuplicateCheckInput {
  idNumber?: string | null;
  name?: string | null;
  phone?: string | null;
  content: string;
}

export interface DuplicateCheckOutcome {
  verdict: DuplicateVerdict;
  /** false when a limit left candidates out (then the verdict is never NO_MATCH) */
  complete: boolean;
  /** in Chinese, why the search is incomplete; null when complete */
  incompleteReason: string | null;
  matches: {
    case: PetitionCase;
    sameIdentity: boolean;
    contentSimilarity: number;
    score: number;
    /** the agreeing and conflicting key facts, in Chinese, without personal data */
    reasons: string[];
  }[];
}

/** Newest terminated cases read in order for a text filter before the trigram index is asked. */
const RECENT_SCAN = 5000;

/**
 * The information-sharing platform: terminated cases for every department, and the duplicate
 * check before acceptance. Personal data leaves only through the Petitioner view (masked unless
 * entitled); nothing here filters, sorts or counts by personal data.
 */
export class SharingService {
  constructor(
    private readonly em: EntityManager,
    private readonly deps: Deps,
    private readonly audit: AuditService,
  ) {}

  async terminatedCase(_actor: Actor, id: number): Promise<PetitionCase> {
    const c = Number.isSafeInteger(id)
      ? await this.em.findOne(PetitionCase, { id, status: CaseStatus.TERMINATED })
      : null;
    if (!c) throw new NotFoundError('已终结的信访事项');
    return c;
  }

  /** One page, newest termination first; the total is counted only when asked for. */
  async terminatedCases(
    _actor: Actor,
    filter: TerminatedCaseFilter,
    first: number,
    after?: string | null,
    /** The Case fields the caller selected, when known: only their columns are read. */
    fields?: ReadonlySet<string> | null,
  ): Promise<Page<PetitionCase> & { count: () => Promise<number> }> {
    const p = new Problems();
    const { cursor } = checkPage(p, first, after, ['d', 'i']);
    for (const k of ['terminatedFrom', 'terminatedTo'] as const) {
      p.check(!filter[k] || isIsoDate(filter[k]), `filter.${k}`, '日期格式应为 YYYY-MM-DD');
    }
    const text = filter.text?.trim() ?? '';
    p.check(!filter.text || (text.length >= 2 && text.length <= 100), 'filter.text', '检索词应为 2–100 个字');
    p.throwIfAny();

    const where = [`c.status = 'TERMINATED'`];
    const params: unknown[] = [];
    if (filter.category) {
      where.push('c.category = ?');
      params.push(filter.category);
    }
    if (filter.unitCode) {
      const unit = await this.em.findOne(Unit, { code: filter.unitCode });
      if (!unit)
        return { nodes: [], totalCount: 0, hasNextPage: false, endCursor: null, count: async () => 0 };
      if (filter.includeSubunits === false) {
        where.push('c.handling_unit_id = ?');
        params.push(unit.id);
      } else {
        where.push('c.handling_unit_id in (select id from unit where path <@ ?::ltree)');
        params.push(unit.path);
      }
    }
    if (filter.terminatedFrom) {
      where.push('c.terminated_at >= ?');
      params.push(filter.terminatedFrom);
    }
    if (filter.terminatedTo) {
      where.push('c.terminated_at <= ?');
      params.push(filter.terminatedTo);
    }
    const base = where.join(' and ');
    const baseParams = [...params];
    // Title and facts as masked readers read them (search-text.ts), never the clear text: which
    // cases match, and how many, must not confirm a guessed name, phone number or address.
    const textClause = `c.search_text ilike ?`;
    const textParam = `%${text.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
    if (text) {
      // Matches the partial trigram index on search_text.
      where.push(textClause);
      params.push(textParam);
    }
    const filtered = where.join(' and ');
    const withCursor = (w: string) => (cursor ? `${w} and (c.terminated_at, c.id) < (?, ?)` : w);
    const afterParams = cursor ?? [];
    const mapper = caseRows(this.em, fields);
    const columns = mapper.columns;
    const order = 'order by c.terminated_at desc, c.id desc';
    let rows: Record<string, unknown>[] | null = null;
    if (text) {
      // A common word fills the page from the newest cases: read those in order, at most
      // RECENT_SCAN of them, and stop. Only when that does not fill the page does the trigram
      // index look for a rarer word (the planner cannot tell a two-character word's frequency,
      // and would otherwise scan every case for a common one).
      const recent = await this.em.execute<Record<string, unknown>[]>(
        `select * from (select ${columns}, c.search_text from petition_case c where ${withCursor(base)} ${order} limit ${RECENT_SCAN}) c
          where ${textClause} ${order} limit ?`,
        [...baseParams, ...afterParams, textParam, first + 1],
      );
      if (recent.length > first) rows = recent;
    }
    rows ??= await this.em.execute<Record<string, unknown>[]>(
      `select ${columns} from petition_case c where ${withCursor(filtered)} ${order} limit ?`,
      [...params, ...afterParams, first + 1],
    );
    const page = keysetPage(rows, first, (r) => [r.terminated_at as string, r.id as number]);
    return {
      ...page,
      nodes: page.nodes.map((r) => mapper.map(r)),
      totalCount: -1,
      count: async () => {
        const [{ n }] = await this.em.execute<{ n: number }[]>(
          `select count(*)::int as n from petition_case c where ${filtered}`,
          params,
        );
        return n;
      },
    };
  }

  /**
   * Before accepting a matter: was the same person's same matter already terminated?
   * Identity through blind indexes (never plaintext), content against the terminated matters'
   * facts and reasons; audited with blind indexes only.
   *
   * The answer depends on the input and the terminated cases only, never on load: one statement
   * takes the check from the user's allowance and finds every candidate (dup-candidates.ts,
   * bounded whatever the corpus, no time limit), the comparison runs here, and the audit entry is
   * written before the answer is given. When a limit did leave candidates out, the answer says so
   * (`complete: false`) and is never NO_MATCH.
   */
  async checkDuplicate(actor: Actor, input: DuplicateCheckInput): Promise<DuplicateCheckOutcome> {
    const p = new Problems();
    const content = input.content?.trim() ?? '';
    p.check(content.length >= 10, 'content', '事实和理由不能少于10个字');
    p.check(content.length <= 10000, 'content', '事实和理由不超过10000字');
    let idNumber: string | null = null;
    if (input.idNumber != null && input.idNumber.trim() !== '') {
      const r = checkIdNumber(input.idNumber, this.deps.now());
      if (r.ok) idNumber = r.value;
      else p.add('idNumber', r.reason);
    }
    let phone: string | null = null;
    if (input.phone != null && input.phone.trim() !== '') {
      const r = checkPhone(input.phone);
      if (r.ok) phone = r.value;
      else p.add('phone', r.reason);
    }
    const name = input.name?.trim() ? normaliseName(input.name) : null;
    p.throwIfAny();

    const { blindIndex, config } = this.deps;
    const idBidx = idNumber ? blindIndex.idNumber(idNumber) : null;
    const namePhoneBidx = name && phone ? blindIndex.namePhone(name, phone) : null;
    const quota = config.duplicateCheckQuota;
    const { maxOwnCases } = quota;
    const now = this.deps.now();
    const rule = checkWindows(actor, quota, {
      // keyed digests only, never the text or the ID number
      content: blindIndex.text('dup-content', contentFingerprintText(content)).slice(0, 32),
      identity: (idBidx ?? namePhoneBidx)?.slice(0, 32) ?? null,
    });
    // The look-up spends every window or none (a refused check is not counted). The check is
    // counted here, before it is audited: a failure after this point costs the user one check,
    // it never lets a check pass uncounted.
    const found = await lookUpCandidates(this.em, {
      dupText: contentIndexText(content),
      idBidx,
      namePhoneBidx,
      maxOwnCases,
      allowance: { userId: actor.userId, now, ...rule },
    });
    if (!found.spent.ok)
      throw await this.refusal(actor, found.spent.full, found.spent.retryAfterSeconds, {
        idBidx,
        namePhoneBidx,
      });
    const judgement = judgeCandidates(content, found.candidates);
    const complete = found.ownCases <= maxOwnCases;
    // An incomplete search cannot say "no match": a person has to look.
    const verdict = !complete && judgement.verdict === 'NO_MATCH' ? 'POSSIBLE_DUPLICATE' : judgement.verdict;
    const incompleteReason = complete
      ? null
      : `该身份名下已终结事项共 ${found.ownCases} 件，超过单次查重可比对的 ${maxOwnCases} 件，只比对了最近登记的 ${maxOwnCases} 件；结论不完整，请人工核查其余事项`;
    const byId = new Map(found.candidates.map((c) => [String(c.case.id), c.case]));
    await this.audit.record({
      actor,
      operation: 'sharing.checkDuplicate',
      details: {
        idNumberBidx: idBidx,
        namePhoneBidx,
        verdict,
        complete,
        matchedCaseIds: judgement.matches.map((m) => Number(m.caseId)),
      },
    });
    // Counted once audited, never before: a failed check is no answer.
    this.deps.metrics.duplicateChecks.inc({ verdict });
    if (!complete) this.deps.metrics.duplicateSearchIncomplete.inc({ reason: 'OWN_CASES_LIMIT' });
    return {
      verdict,
      complete,
      incompleteReason,
      matches: judgement.matches.map((m) => ({
        case: byId.get(m.caseId)!,
        sameIdentity: m.sameIdentity,
        contentSimilarity: m.contentSimilarity,
        score: m.score,
        reasons: m.reasons,
      })),
    };
  }

  /**
   * The error for a refused check. A refusal by an identity limit is what guessing an ID number
   * looks like: it is recorded (`sharing.checkDuplicate.refused`, blind indexes only) for the
   * supervisors of the user's unit and above (inspectionLookupActivity.oracleRefusals).
   */
  private async refusal(
    actor: Actor,
    window: UsageWindow,
    retryAfterSeconds: number,
    ids: { idBidx: string | null; namePhoneBidx: string | null },
  ): Promise<Error> {
    const q = this.deps.config.duplicateCheckQuota;
    const kind = window.kind;
    if (kind === 'dup:hour' || kind === 'dup:day')
      return new RateLimitedError(
        `查重次数已达上限（每小时 ${q.perHour} 次、每天 ${q.perDay} 次），请 ${retryAfterSeconds} 秒后再试；如确有需要请联系监督检查人员`,
        retryAfterSeconds,
      );
    if (kind === 'dup:unit:hour' || kind === 'dup:unit:day')
      return new RateLimitedError(
        `本单位查重次数已达上限（全单位每小时 ${q.perUnitHour} 次、每天 ${q.perUnitDay} 次），请 ${retryAfterSeconds} 秒后再试；如确有需要请联系监督检查人员`,
        retryAfterSeconds,
      );
    const sameContent = kind.startsWith(CONTENT_KIND);
    const rule = sameContent ? 'SAME_CONTENT_IDENTITIES' : 'IDENTITIES_PER_DAY';
    const message = sameContent
      ? `同一事实和理由今天已用 ${q.identitiesPerContent} 个不同身份查重，疑似猜测身份证号码，已拒绝并记录，供监督检查人员复核；如确属工作需要，请联系本单位或上级监督检查人员`
      : `今天已用 ${q.identitiesPerDay} 个不同身份查重，疑似猜测身份证号码，已拒绝并记录，供监督检查人员复核；如确属工作需要，请联系本单位或上级监督检查人员`;
    await this.audit.record({
      actor,
      operation: 'sharing.checkDuplicate.refused',
      reason: sameContent
        ? `同一事实和理由查重的不同身份超过 ${q.identitiesPerContent} 个（DUPLICATE_ORACLE_MAX_IDENTITIES_PER_CONTENT），疑似猜测身份证号码，请复核`
        : `一天内查重的不同身份超过 ${q.identitiesPerDay} 个（DUPLICATE_ORACLE_MAX_IDENTITIES_PER_DAY），疑似猜测身份证号码，请复核`,
      details: {
        rule,
        limit: sameContent ? q.identitiesPerContent : q.identitiesPerDay,
        idNumberBidx: ids.idBidx,
        namePhoneBidx: ids.namePhoneBidx,
        contentFingerprint: sameContent ? kind.slice(CONTENT_KIND.length) : null,
      },
    });
    return new OracleSuspectedError(message, rule, retryAfterSeconds);
  }

  /**
   * A supervisor sees one petitioner in clear, with a stated reason; audited before it is shown.
   * Rationed per hour and per day (REVEALS_PER_HOUR / _PER_DAY, counted exactly in PostgreSQL in
   * the reveal's own transaction: aliased or parallel reveals queue on the counter row), and the
   * reveal that reaches REVEAL_BURST_PER_HOUR in an hour is recorded once for supervisors' review
   * (`petitioner.reveal.burst`, counted in inspectionLookupActivity.revealBursts).
   */
  async reveal(actor: Actor, caseId: number, reason: string): Promise<PetitionCase> {
    new Problems()
      .check(
        !!reason?.trim() && reason.trim().length >= 4 && reason.trim().length <= 500,
        'reason',
        '必须说明查看理由（4–500字）',
      )
      .throwIfAny();
    const { perHour, perDay, burstPerHour } = this.deps.config.revealQuota;
    return this.em.transactional(async (em) => {
      const c = Number.isSafeInteger(caseId)
        ? await em.findOne(PetitionCase, { id: caseId }, { populate: ['handlingUnit'] })
        : null;
      if (!c || !isSameOrBelow(c.handlingUnit.path, actor.unitPath)) throw new NotFoundError('信访事项');
      const now = this.deps.now();
      const spent = await spend(
        em,
        actor.userId,
        [
          { kind: 'reveal:hour', seconds: 3600, cap: perHour },
          { kind: 'reveal:day', seconds: 86_400, offsetSeconds: 8 * 3600, cap: perDay },
        ],
        1,
        now,
      );
      if (!spent.ok)
        throw new RateLimitedError(
          `查看明文次数已达上限（每小时 ${perHour} 次、每天 ${perDay} 次），请 ${spent.retryAfterSeconds} 秒后再试；` +
            '如确有需要请联系上级监督检查人员',
          spent.retryAfterSeconds,
        );
      const audit = this.audit.withEm(em);
      await audit.record({
        actor,
        operation: 'petitioner.reveal',
        caseId: c.id,
        petitionerId: c.petitioner.id,
        fields: ['name', 'idNumber', 'phone', 'address'],
        reason: reason.trim(),
      });
      const thisHour = spent.used.get('reveal:hour')!;
      if (thisHour === burstPerHour)
        await audit.record({
          actor,
          operation: 'petitioner.reveal.burst',
          reason: `一小时内查看明文达到 ${burstPerHour} 次（REVEAL_BURST_PER_HOUR），请监督检查人员复核`,
          details: { revealsThisHour: thisHour, burstPerHour, at: now.toISOString() },
        });
      return c;
    });
  }
}

/**
 * The one call into the scoring code (duplicate-method.ts): each candidate compared with the
 * query, then the verdict over all of them. Candidates come sorted by case id, so equal scores
 * keep the same order in every answer.
 */
function judgeCandidates(content: string, candidates: CandidateRow[]): DuplicateJudgement {
  const profile = queryProfile(content);
  return judge(
    candidates.map((r): DuplicateCandidate => {
      const c = r.case;
      return {
        caseId: String(c.id),
        sameIdentity: r.identityBy !== null,
        identityBy: r.identityBy,
        idNumberConflict: r.idNumberConflict,
        ...compareContent(profile, {
          text: `${c.factsAndReasons}\n${c.requests}`,
          acceptedAt: r.acceptedAt,
          processDates: [...r.stepDates, r.decidedAt, c.terminatedAt],
          terminatedAt: r.decidedAt ?? c.terminatedAt,
          decisionNumber: r.decisionNumber,
        }),
      };
    }),
  );
}

const CONTENT_KIND = 'dup:content:';
const HOUR = 3600;
const DAY = { seconds: 86_400, offsetSeconds: 8 * 3600 }; // days start at midnight in Beijing

/**
 * What the content fingerprint is taken of: the normalised text with punctuation and spacing
 * removed, so that re-punctuated or re-spaced copies of one matter count as the same content.
 */
function contentFingerprintText(content: string): string {
  return contentIndexText(content).replace(/[^\p{L}\p{N}]/gu, '');
}

/**
 * The windows one check spends, the identity limits first (the refusal names the first window
 * without room): the identities this user checked against this content today, the identities it
 * checked today (distinct counts, members are truncated blind indexes), the user's checks per
 * hour and per day, and its unit's. Without an identity there is nothing to guess: only the
 * counts apply. The user is the token's subject, which the identity provider issues per person.
 */
function checkWindows(
  actor: Actor,
  q: Deps['config']['duplicateCheckQuota'],
  keys: { content: string; identity: string | null },
): Pick<AllowanceRule, 'windows' | 'contentKindPrefix' | 'contentKind'> {
  const windows: UsageWindow[] = [];
  const contentKind = keys.identity ? `${CONTENT_KIND}${keys.content}` : null;
  if (keys.identity && contentKind) {
    windows.push(
      { kind: contentKind, ...DAY, cap: q.identitiesPerContent, member: keys.identity },
      { kind: 'dup:identities', ...DAY, cap: q.identitiesPerDay, member: keys.identity },
    );
  }
  windows.push(
    { kind: 'dup:hour', seconds: HOUR, cap: q.perHour },
    { kind: 'dup:day', ...DAY, cap: q.perDay },
    { kind: 'dup:unit:hour', seconds: HOUR, cap: q.perUnitHour, subject: actor.unitCode },
    { kind: 'dup:unit:day', ...DAY, cap: q.perUnitDay, subject: actor.unitCode },
  );
  return { windows, contentKindPrefix: CONTENT_KIND, contentKind };
}

/** Why a check's search was cut short (the metrics label). */
export type IncompleteReason = 'OWN_CASES_LIMIT';
