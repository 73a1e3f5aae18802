import { describe, expect, it } from 'vitest';
import {
  instantOfLocalTime,
  localDayOf,
  localDayOfDate,
  offsetAt,
  startOfLocalDay,
  startOfNextLocalDay,
} from '#shared/domain/planner/local-time';

const at = (iso: string): number => Date.parse(iso);
const iso = (instant: number): string => new Date(instant).toISOString();
const HOUR = 3_600_000;
const seconds = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 3600 + Number(hhmm.slice(3, 5)) * 60;

describe('offsetAt', () => {
  it('reads winter and summer offsets of Europe/Paris', () => {
    expect(offsetAt('Europe/Paris', at('2026-01-15T12:00:00Z'))).toBe(1 * HOUR);
    expect(offsetAt('Europe/Paris', at('2026-07-15T12:00:00Z'))).toBe(2 * HOUR);
  });

  it('switches at the exact instant of the change (2026-03-29T01:00Z in Paris)', () => {
    expect(offsetAt('Europe/Paris', at('2026-03-29T00:59:59Z'))).toBe(1 * HOUR);
    expect(offsetAt('Europe/Paris', at('2026-03-29T01:00:00Z'))).toBe(2 * HOUR);
  });

  it('rejects an unknown zone', () => {
    expect(() => offsetAt('Mars/Olympus_Mons', 0)).toThrow(RangeError);
  });
});

describe('localDayOf', () => {
  it('counts a Tokyo instant after local midnight in the next day while UTC is still on the previous one', () => {
    expect(localDayOf('Asia/Tokyo', at('2026-01-15T15:30:00Z'))).toBe(localDayOfDate(2026, 1, 16));
    expect(localDayOf('Asia/Tokyo', at('2026-01-15T14:59:59Z'))).toBe(localDayOfDate(2026, 1, 15));
  });

  it('counts a Los Angeles instant before local midnight in the previous day while UTC is already on the next one', () => {
    expect(localDayOf('America/Los_Angeles', at('2026-01-16T07:59:59Z'))).toBe(localDayOfDate(2026, 1, 15));
    expect(localDayOf('America/Los_Angeles', at('2026-01-16T08:00:00Z'))).toBe(localDayOfDate(2026, 1, 16));
  });

  it('numbers days so that the next local day is day + 1', () => {
    expect(localDayOfDate(1970, 1, 1)).toBe(0);
    expect(localDayOfDate(2026, 3, 1) - localDayOfDate(2026, 2, 28)).toBe(1);
  });
});

describe('instantOfLocalTime', () => {
  it('maps a wall time skipped by spring forward to the instant after the gap (Paris 02:30 on 2026-03-29 is 03:30 CEST)', () => {
    expect(iso(instantOfLocalTime('Europe/Paris', localDayOfDate(2026, 3, 29), seconds('02:30')))).toBe('2026-03-29T01:30:00.000Z');
  });

  it('maps the wall time at the end of the gap normally (Paris 03:00 CEST on 2026-03-29)', () => {
    expect(iso(instantOfLocalTime('Europe/Paris', localDayOfDate(2026, 3, 29), seconds('03:00')))).toBe('2026-03-29T01:00:00.000Z');
  });

  it('takes the earlier of a repeated wall time (Paris 02:30 on 2026-10-25 is 02:30 CEST)', () => {
    expect(iso(instantOfLocalTime('Europe/Paris', localDayOfDate(2026, 10, 25), seconds('02:30')))).toBe('2026-10-25T00:30:00.000Z');
  });

  it('handles New York: 02:30 on 2026-03-08 is 03:30 EDT, 01:30 on 2026-11-01 is 01:30 EDT', () => {
    expect(iso(instantOfLocalTime('America/New_York', localDayOfDate(2026, 3, 8), seconds('02:30')))).toBe('2026-03-08T07:30:00.000Z');
    expect(iso(instantOfLocalTime('America/New_York', localDayOfDate(2026, 11, 1), seconds('01:30')))).toBe('2026-11-01T05:30:00.000Z');
  });

  it('handles a half-hour DST shift (Australia/Lord_Howe 02:15 on 2026-10-04 is 02:45 +11)', () => {
    expect(iso(instantOfLocalTime('Australia/Lord_Howe', localDayOfDate(2026, 10, 4), seconds('02:15')))).toBe('2026-10-03T15:45:00.000Z');
  });
});

describe('startOfLocalDay', () => {
  const length = (zone: string, y: number, m: number, d: number): number =>
    (startOfLocalDay(zone, localDayOfDate(y, m, d) + 1) - startOfLocalDay(zone, localDayOfDate(y, m, d))) / HOUR;

  it('gives 23- and 25-hour days on DST changes in Paris and New York', () => {
    expect(length('Europe/Paris', 2026, 3, 29)).toBe(23);
    expect(length('Europe/Paris', 2026, 10, 25)).toBe(25);
    expect(length('America/New_York', 2026, 3, 8)).toBe(23);
    expect(length('America/New_York', 2026, 11, 1)).toBe(25);
    expect(length('Europe/Paris', 2026, 6, 1)).toBe(24);
  });

  it('starts a day whose midnight is skipped at the end of the gap (America/Santiago 2026-09-06 starts at 01:00)', () => {
    expect(iso(startOfLocalDay('America/Santiago', localDayOfDate(2026, 9, 6)))).toBe('2026-09-06T04:00:00.000Z');
  });
});

describe('startOfNextLocalDay', () => {
  it('steps from any instant of a DST day to the next local midnight', () => {
    expect(iso(startOfNextLocalDay('Europe/Paris', at('2026-03-29T12:00:00Z')))).toBe('2026-03-29T22:00:00.000Z');
    expect(iso(startOfNextLocalDay('Europe/Paris', at('2026-10-25T01:30:00Z')))).toBe('2026-10-25T23:00:00.000Z');
    expect(iso(startOfNextLocalDay('America/New_York', at('2026-11-01T06:30:00Z')))).toBe('2026-11-02T05:00:00.000Z');
  });

  it('steps from local midnight itself to the following midnight', () => {
    expect(iso(startOfNextLocalDay('Asia/Tokyo', at('2026-01-15T15:00:00Z')))).toBe('2026-01-16T15:00:00.000Z');
  });
});
