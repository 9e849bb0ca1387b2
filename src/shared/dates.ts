/**
 * Calendar days as 'YYYY-MM-DD' strings. Petition work counts days in China Standard Time,
 * so "today" and "in the future" are judged at UTC+8 whatever the server's zone.
 */
const DAY_MS = 86_400_000;
const CST_OFFSET_MS = 8 * 3_600_000;

export function todayInChina(now: Date): string {
  return new Date(now.getTime() + CST_OFFSET_MS).toISOString().slice(0, 10);
}

/**
 * A real calendar day 'YYYY-MM-DD' in 1900–2999: the one date check every input goes through, so
 * that no day PostgreSQL refuses (year 0) or no sensible record has reaches the database.
 */
export function isIsoDate(s: unknown): s is string {
  if (typeof s !== 'string' || !/^(19|2\d)\d{2}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}
