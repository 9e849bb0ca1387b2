import type { PeriodPolicy } from '../../config';
import { addDays } from '../../shared/dates';
import { CaseStatus, CurrentStep, STEP_LABEL, StepKind, TerminationCondition } from './case.enums';

/** The facts of a case that the statutory rules look at; no ORM, so the rules are plain functions. */
export interface ProcedureFacts {
  status: CaseStatus;
  steps: Partial<Record<StepKind, { decidedAt: string; deliveredAt?: string | null }>>;
  reviewRequestedAt?: string | null;
  reReviewRequestedAt?: string | null;
  repeatSubmittedAt?: string | null;
  goodReason?: string | null;
  handlingExtended: boolean;
}

export interface Progress {
  currentStep: CurrentStep;
  /** Statutory due date of the current step (for the unit's own steps) or the end of the petitioner's request period. */
  dueDate: string | null;
  /** True when the unit's own step is past its due date (a petitioner's request window is never "overdue"). */
  overdue: boolean;
}

/** Where the case stands and what is due, under the configured statutory periods. */
export function progressOf(f: ProcedureFacts, p: PeriodPolicy, today: string): Progress {
  const s = f.steps;
  const due = (currentStep: CurrentStep, dueDate: string | null, unitOwes: boolean): Progress => ({
    currentStep,
    dueDate,
    overdue: unitOwes && dueDate !== null && today > dueDate,
  });
  if (f.status === CaseStatus.TERMINATED) return due(CurrentStep.TERMINATED, null, false);
  if (f.status === CaseStatus.TERMINATION_APPLIED)
    return due(CurrentStep.TERMINATION_EXAMINATION, null, false);
  if (f.status === CaseStatus.TERMINATION_APPROVED) return due(CurrentStep.NOTIFICATION, null, false);
  const accepted = s.ACCEPTANCE!.decidedAt;
  if (!s.HANDLING) {
    return due(
      CurrentStep.HANDLING,
      addDays(accepted, p.handlingDays + (f.handlingExtended ? p.handlingExtensionDays : 0)),
      true,
    );
  }
  if (!s.REVIEW) {
    if (f.reviewRequestedAt) return due(CurrentStep.REVIEW, addDays(f.reviewRequestedAt, p.reviewDays), true);
    const period = requestPeriod(f, StepKind.HANDLING, p, today);
    if (period?.lapsed) return due(CurrentStep.HANDLING_OPINION_FINAL, null, false);
    return due(CurrentStep.AWAITING_REVIEW_REQUEST, period?.end ?? null, false);
  }
  if (!s.RE_REVIEW) {
    if (f.reReviewRequestedAt)
      return due(CurrentStep.RE_REVIEW, addDays(f.reReviewRequestedAt, p.reReviewDays), true);
    const period = requestPeriod(f, StepKind.REVIEW, p, today);
    if (period?.lapsed) return due(CurrentStep.PROCEDURE_COMPLETE, null, false);
    return due(CurrentStep.AWAITING_RE_REVIEW_REQUEST, period?.end ?? null, false);
  }
  return due(CurrentStep.PROCEDURE_COMPLETE, null, false);
}

/** The petitioner's request period after one reply, as progress and the termination check both read it. */
export interface RequestPeriod {
  /** Last day on which a request counts as in time (YYYY-MM-DD). */
  end: string;
  /** The period is over (today is after `end`). */
  over: boolean;
  /** Over with no good reason (正当理由) recorded: no request can come in time any more. */
  lapsed: boolean;
}

/**
 * The statutory request period after the reply of `reply` (null until that reply reached the
 * petitioner): a review may be requested within the review request period after the handling
 * reply, a re-review within the re-review request period after the review reply; after the
 * re-review reply the same re-review period is the window in which a new request would count.
 */
export function requestPeriod(
  f: ProcedureFacts,
  reply: StepKind.HANDLING | StepKind.REVIEW | StepKind.RE_REVIEW,
  p: PeriodPolicy,
  today: string,
): RequestPeriod | null {
  const deliveredAt = f.steps[reply]?.deliveredAt;
  if (!deliveredAt) return null;
  const end = addDays(deliveredAt, reply === StepKind.HANDLING ? p.reviewRequestDays : p.reReviewRequestDays);
  const over = today > end;
  return { end, over, lapsed: over && !f.goodReason };
}

/**
 * Which parts of a termination condition (seed §2) are not met; empty means the case may be
 * proposed for termination. Each item names what is missing, in the user's language.
 */
export function unmetTerminationCondition(
  condition: TerminationCondition,
  f: ProcedureFacts,
  p: PeriodPolicy,
  today: string,
): string[] {
  const s = f.steps;
  const unmet: string[] = [];
  if (condition === TerminationCondition.REPEAT_AFTER_RE_REVIEW) {
    if (!s.ACCEPTANCE) unmet.push('未记录受理');
    if (!s.HANDLING) unmet.push('未记录办理意见');
    if (!s.REVIEW) unmet.push('未记录复查意见');
    if (!s.RE_REVIEW) unmet.push('未记录复核意见');
    else if (!s.RE_REVIEW.deliveredAt) unmet.push('复核意见尚未送达信访人');
    if (!f.repeatSubmittedAt) unmet.push('未记录信访人在复核后以同一事实和理由再次提出');
    else if (s.RE_REVIEW?.deliveredAt && f.repeatSubmittedAt < s.RE_REVIEW.deliveredAt) {
      unmet.push('再次提出的日期早于复核意见送达日期');
    }
    return unmet;
  }
  // NO_NEW_REQUEST_IN_TIME
  if (!s.REVIEW) {
    unmet.push('未记录复查意见');
    return unmet;
  }
  if (f.reReviewRequestedAt && !s.RE_REVIEW) unmet.push('信访人已申请复核，但未记录复核意见');
  const last = s.RE_REVIEW ? StepKind.RE_REVIEW : StepKind.REVIEW;
  const lastName = STEP_LABEL[last];
  const period = requestPeriod(f, last, p, today);
  if (!period) unmet.push(`${lastName}意见尚未送达信访人`);
  else if (!period.over) unmet.push(`${lastName}意见送达后的请求期限尚未届满（至 ${period.end}）`);
  if (s.RE_REVIEW && f.repeatSubmittedAt)
    unmet.push('信访人在复核后再次提出了请求（应适用 REPEAT_AFTER_RE_REVIEW）');
  if (f.goodReason) unmet.push('已记录正当理由');
  return unmet;
}
