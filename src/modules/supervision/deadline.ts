import { daysBetween } from '../../shared/dates';
import type { RectificationOrder } from './supervision.entity';
import { RectificationStatus } from './supervision.enums';

/*
 * A rectification order's deadline: the order is overdue while it is still ISSUED (no completion
 * reported) after its deadline day. InspectionService's overdue lists apply the same rule in SQL
 * (`r.status = 'ISSUED' and r.deadline < today`); these answer it for one order already loaded.
 */

type Deadline = Pick<RectificationOrder, 'status' | 'deadline'>;

/** Whether the order is overdue on `today` (YYYY-MM-DD, China time). */
export const isOverdue = (o: Deadline, today: string): boolean =>
  o.status === RectificationStatus.ISSUED && o.deadline < today;

/** Days overdue on `today`, or null when the order is not overdue. */
export const daysOverdue = (o: Deadline, today: string): number | null =>
  isOverdue(o, today) ? daysBetween(o.deadline, today) : null;

/** Whether the completion was reported after the deadline; null while none is reported. */
export const completedLate = (o: Pick<RectificationOrder, 'completedOn' | 'deadline'>): boolean | null =>
  o.completedOn ? o.completedOn > o.deadline : null;
