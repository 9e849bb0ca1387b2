import type { Problems } from '../errors';
import { isIsoDate, todayInChina } from './dates';

/** Input checks every module uses; each adds its problem to `p` (all fields reported at once). */

/** A required (or optional) trimmed text of at most `max` characters. */
export function checkText(
  p: Problems,
  field: string,
  value: string | null | undefined,
  label: string,
  max: number,
  required = true,
): void {
  const v = value?.trim() ?? '';
  if (required) p.check(v.length > 0, field, `${label}不能为空`);
  p.check(v.length <= max, field, `${label}不超过${max}字`);
}

/** A calendar day (YYYY-MM-DD), not after today in China time; false when absent or bad. */
export function checkDay(
  p: Problems,
  field: string,
  value: string | null | undefined,
  now: Date,
  required = true,
): boolean {
  if (value == null || value === '') {
    if (required) p.add(field, '日期不能为空');
    return false;
  }
  if (!isIsoDate(value)) {
    p.add(field, '日期格式应为 YYYY-MM-DD（1900–2999 年间的真实日期）');
    return false;
  }
  if (value > todayInChina(now)) {
    p.add(field, '日期不能晚于今天');
    return false;
  }
  return true;
}

/** An ID argument as a positive integer, or null (reported under `field`). */
export function checkId(
  p: Problems,
  field: string,
  value: string | number | null | undefined,
): number | null {
  if (value == null || value === '') return null;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0) {
    p.add(field, 'ID 无效');
    return null;
  }
  return n;
}

/** A required ID argument: `what` names the record ("事项", "报告"…) in the message when it is missing. */
export function requiredId(
  p: Problems,
  field: string,
  value: string | number | null | undefined,
  what: string,
): number | null {
  // A missing ID is said to be missing; a given but malformed one only that it is invalid (checkId).
  if (value === null || value === undefined || String(value).trim() === '') {
    p.add(field, `${what} ID 不能为空`);
    return null;
  }
  return checkId(p, field, value);
}

export const trimOrNull = (s: string | null | undefined): string | null => s?.trim() || null;
