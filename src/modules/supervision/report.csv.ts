import { stringify } from 'csv-stringify/sync';
import type { FollowUpReport, FollowUpStats } from './statistics.service';

/**
 * The periodic follow-up report as CSV (RFC 4180: CRLF line ends, fields with a comma, quote or line
 * break quoted and inner quotes doubled, by csv-stringify), UTF-8 with a byte-order mark so that
 * Excel opens the Chinese text as UTF-8. One header row, one row per unit (its own cases), then the
 * total (the unit and everything below it). The same numbers as the GraphQL `followUpReport`.
 */
export interface ReportColumn {
  header: string;
  value: (row: FollowUpStats) => string | number;
}

const rate = (r: number | null) => (r === null ? '' : `${(r * 100).toFixed(1)}%`);

export const REPORT_COLUMNS: ReportColumn[] = [
  { header: '单位代码', value: (r) => r.unit.code },
  { header: '单位名称', value: (r) => r.unit.name },
  { header: '统计范围', value: (r) => (r.includesSubunits ? '合计（含下级单位）' : '本单位') },
  { header: '期间起', value: (r) => r.from ?? '' },
  { header: '期间止', value: (r) => r.to ?? '' },
  { header: '统计截至日期', value: (r) => r.asOf },
  { header: '终结事项数', value: (r) => r.terminatedCases },
  { header: '应回访期次', value: (r) => r.visits.due },
  { header: '已回访期次', value: (r) => r.visits.done },
  { header: '按期回访', value: (r) => r.visits.doneOnTime },
  { header: '逾期补访', value: (r) => r.visits.doneLate },
  { header: '超期未回访', value: (r) => r.visits.overdue },
  { header: '未到期', value: (r) => r.visits.pending },
  { header: '期间内回访次数', value: (r) => r.visits.recorded },
  { header: '档案数', value: (r) => r.archives.total },
  { header: '档案齐全', value: (r) => r.archives.complete },
  { header: '档案不全', value: (r) => r.archives.incomplete },
  { header: '档案齐全率', value: (r) => rate(r.archives.completenessRate) },
  { header: '跟踪滞后天数', value: (r) => r.tracking.staleDays },
  { header: '跟踪滞后事项数', value: (r) => r.tracking.staleCases },
  { header: '报告上级数', value: (r) => r.escalations.total },
  { header: '报告待签收', value: (r) => r.escalations.reported },
  { header: '报告处理中', value: (r) => r.escalations.acknowledged },
  { header: '报告已办结', value: (r) => r.escalations.resolved },
  { header: '整改下达', value: (r) => r.rectifications.issued },
  { header: '整改未完结', value: (r) => r.rectifications.open },
  { header: '整改逾期', value: (r) => r.rectifications.overdue },
  { header: '整改核查通过', value: (r) => r.rectifications.verified },
  { header: '整改核查未通过', value: (r) => r.rectifications.rejected },
  { header: '社会监督意见', value: (r) => r.feedback.received },
  { header: '意见未答复', value: (r) => r.feedback.open },
  { header: '意见已答复', value: (r) => r.feedback.answered },
  { header: '意见已办结', value: (r) => r.feedback.closed },
];

/**
 * A text cell that a spreadsheet would take for a formula (`=`, `+`, `-`, `@`, tab, CR) gets a
 * leading apostrophe (OWASP "CSV injection"): unit names come from administrators' input.
 */
export function safeCell(v: string | number): string | number {
  return typeof v === 'string' && /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
}

export function reportCsv(report: FollowUpReport): string {
  const rows = [...report.rows, report.total].map((r) => REPORT_COLUMNS.map((c) => safeCell(c.value(r))));
  return stringify([REPORT_COLUMNS.map((c) => c.header), ...rows], {
    bom: true,
    record_delimiter: 'windows',
  });
}

/** The download's file name (ASCII): `followup-<unit>_<from>_<to>.csv`, `all` for an open end. */
export function reportFileName(report: Pick<FollowUpReport, 'unit' | 'from' | 'to'>): string {
  const code = report.unit.code.replace(/[^A-Za-z0-9-]/g, '_');
  return `followup-${code}_${report.from ?? 'all'}_${report.to ?? 'all'}.csv`;
}

/** Where the CSV of a report is downloaded (GET with the bearer token). */
export function reportCsvPath(unitCode: string, from: string | null, to: string | null): string {
  const q = new URLSearchParams({ unit: unitCode });
  if (from) q.set('from', from);
  if (to) q.set('to', to);
  return `/reports/followup.csv?${q.toString()}`;
}
