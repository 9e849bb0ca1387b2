import type { VisitPolicy } from '../../config';
import { addDays } from '../../shared/dates';
import { VisitSlotStatus } from './followup.enums';

/**
 * The return-visit schedule of one terminated case (DESIGN.md §2.3), as a plain function.
 *
 * Policy (VISIT_FIRST_DAYS, VISIT_INTERVAL_DAYS, VISIT_PERIOD_MONTHS; default 30, 90, 12): the
 * first visit is due `firstDays` after termination, then one every `intervalDays`, as long as
 * the due date falls within `periodMonths` of termination. With the defaults, a case terminated
 * on 2026-06-01 owes visits by 07-01, 09-29, 12-28 and 2027-03-28.
 *
 * Each due date is one slot. Slot k's window opens after the previous due date (slot 1's on the
 * termination day). Slots are filled in order: slot k takes the first visit not yet counted that
 * falls inside or after its window; by the due date it is COMPLETED, later COMPLETED_LATE. A
 * visit before a slot's window (a second visit in the same window) counts for no slot, so extra
 * visits never fill future slots in advance, and a late visit still leaves the next slot owed.
 * An unfilled slot is OVERDUE once its due date has passed (today in China time), else PENDING.
 */
export interface ScheduleVisit {
  id: number;
  visitedOn: string;
}

export interface VisitSlot {
  /** 1-based. */
  index: number;
  windowStart: string;
  dueDate: string;
  status: VisitSlotStatus;
  visitId: number | null;
  visitedOn: string | null;
}

export interface VisitScheduleResult {
  periodEnd: string;
  slots: VisitSlot[];
  /** Due date of the first slot still owed (OVERDUE or PENDING); null when all are done. */
  nextDue: string | null;
  overdue: VisitSlot[];
}

/** `date` plus whole months, the day clamped to the end of a shorter month (01-31 + 1 month = 02-28). */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number);
  const total = y * 12 + (m - 1) + months;
  const year = Math.floor(total / 12);
  const month = (total % 12) + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

export function visitDueDates(
  terminatedAt: string,
  policy: VisitPolicy,
): { periodEnd: string; due: string[] } {
  const periodEnd = addMonths(terminatedAt, policy.periodMonths);
  const due: string[] = [];
  for (let d = addDays(terminatedAt, policy.firstDays); ; d = addDays(d, policy.intervalDays)) {
    // The first visit is always owed, even under a policy whose period is shorter than it.
    if (due.length && d > periodEnd) break;
    due.push(d);
    if (due.length >= 1000) break;
  }
  return { periodEnd, due };
}

export function visitSchedule(
  terminatedAt: string,
  visits: ScheduleVisit[],
  policy: VisitPolicy,
  today: string,
): VisitScheduleResult {
  const { periodEnd, due } = visitDueDates(terminatedAt, policy);
  const sorted = [...visits].sort((a, b) =>
    a.visitedOn === b.visitedOn ? a.id - b.id : a.visitedOn < b.visitedOn ? -1 : 1,
  );
  let next = 0;
  const slots = due.map((dueDate, k): VisitSlot => {
    const windowStart = k === 0 ? terminatedAt : due[k - 1];
    // Slot 1 counts a visit on the termination day itself; later slots start after the previous due date.
    while (
      next < sorted.length &&
      (k === 0 ? sorted[next].visitedOn < windowStart : sorted[next].visitedOn <= windowStart)
    )
      next++;
    const v = sorted[next];
    if (v) {
      next++;
      return {
        index: k + 1,
        windowStart,
        dueDate,
        status: v.visitedOn <= dueDate ? VisitSlotStatus.COMPLETED : VisitSlotStatus.COMPLETED_LATE,
        visitId: v.id,
        visitedOn: v.visitedOn,
      };
    }
    return {
      index: k + 1,
      windowStart,
      dueDate,
      status: today > dueDate ? VisitSlotStatus.OVERDUE : VisitSlotStatus.PENDING,
      visitId: null,
      visitedOn: null,
    };
  });
  const owed = slots.filter(
    (s) => s.status === VisitSlotStatus.OVERDUE || s.status === VisitSlotStatus.PENDING,
  );
  return {
    periodEnd,
    slots,
    nextDue: owed[0]?.dueDate ?? null,
    overdue: slots.filter((s) => s.status === VisitSlotStatus.OVERDUE),
  };
}
