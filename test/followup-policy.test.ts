import { loadConfig, ConfigError } from '../src/config';
import { addMonths, visitDueDates, visitSchedule } from '../src/modules/followup/visit.policy';
import { inputHash } from '../src/modules/followup/idempotency';

describe('visit policy configuration', () => {
  it('defaults to 30 / 90 days / 12 months and reads VISIT_* from the environment', () => {
    expect(loadConfig({}).visitPolicy).toEqual({ firstDays: 30, intervalDays: 90, periodMonths: 12 });
    expect(
      loadConfig({ VISIT_FIRST_DAYS: '15', VISIT_INTERVAL_DAYS: '60', VISIT_PERIOD_MONTHS: '6' }).visitPolicy,
    ).toEqual({ firstDays: 15, intervalDays: 60, periodMonths: 6 });
    expect(loadConfig({}).fileMaxBytes).toBe(10 * 1024 * 1024);
    expect(loadConfig({ FILE_MAX_BYTES: '1048576' }).fileMaxBytes).toBe(1048576);
  });

  it('names every bad setting', () => {
    try {
      loadConfig({
        VISIT_FIRST_DAYS: '0',
        VISIT_INTERVAL_DAYS: 'x',
        FILE_MAX_BYTES: String(200 * 1024 * 1024),
      });
      throw new Error('expected a ConfigError');
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as ConfigError).problems.map((p) => p.split(' ')[0])).toEqual([
        'VISIT_FIRST_DAYS',
        'VISIT_INTERVAL_DAYS',
        'FILE_MAX_BYTES',
      ]);
    }
  });
});

describe('visit schedule', () => {
  const policy = { firstDays: 30, intervalDays: 90, periodMonths: 12 };

  it('due dates stay within the period; the first is always owed', () => {
    expect(visitDueDates('2026-06-01', policy)).toEqual({
      periodEnd: '2027-06-01',
      due: ['2026-07-01', '2026-09-29', '2026-12-28', '2027-03-28'],
    });
    expect(visitDueDates('2026-06-01', { firstDays: 15, intervalDays: 60, periodMonths: 6 }).due).toEqual([
      '2026-06-16',
      '2026-08-15',
      '2026-10-14',
    ]);
    expect(visitDueDates('2026-06-01', { firstDays: 60, intervalDays: 30, periodMonths: 1 }).due).toEqual([
      '2026-07-31',
    ]);
  });

  it('adds months clamping to the end of a shorter month', () => {
    expect(addMonths('2026-01-31', 1)).toBe('2026-02-28');
    expect(addMonths('2028-01-31', 1)).toBe('2028-02-29');
    expect(addMonths('2026-11-30', 3)).toBe('2027-02-28');
  });

  it('fills slots in order, on time or late, and never in advance', () => {
    const s = visitSchedule(
      '2026-06-01',
      [
        { id: 1, visitedOn: '2026-06-01' }, // termination day: slot 1
        { id: 2, visitedOn: '2026-06-20' }, // same window: extra
        { id: 3, visitedOn: '2026-10-05' }, // after slot 2's due date: slot 2, late
      ],
      policy,
      '2027-01-10',
    );
    expect(s.slots.map((x) => [x.status, x.visitId])).toEqual([
      ['COMPLETED', 1],
      ['COMPLETED_LATE', 3],
      ['OVERDUE', null],
      ['PENDING', null],
    ]);
    expect(s.nextDue).toBe('2026-12-28');
    expect(s.overdue.map((x) => x.index)).toEqual([3]);
  });
});

describe('idempotency input hash', () => {
  it('ignores key order and treats dates as their ISO text, but not a different operation or value', () => {
    const a = inputHash('op', { b: 1, a: new Date('2026-06-01T00:00:00Z') });
    expect(inputHash('op', { a: '2026-06-01T00:00:00.000Z', b: 1 })).toBe(a);
    expect(inputHash('other', { a: '2026-06-01T00:00:00.000Z', b: 1 })).not.toBe(a);
    expect(inputHash('op', { a: '2026-06-01T00:00:00.000Z', b: 2 })).not.toBe(a);
  });
});
