import { afterEach, describe, expect, it } from 'vitest';
import { candidateLocales, formatDateTime, formatDay, formatNumber, formatPercent, formatTime, fromDateTimeLocalValue, isUsableLocale, setPreferredLocale } from '../../../console/src/format';

describe('Module: console format', () => {
  afterEach(() => setPreferredLocale(undefined));

  it('formats with en-US when the browser reports a locale Intl refuses (en-US@posix)', () => {
    // Prepare
    setPreferredLocale('en-US@posix');

    // Act
    const text = formatDateTime('2026-12-02T14:05:00Z');

    // Assess
    expect(isUsableLocale('en-US@posix')).toBe(false);
    expect(candidateLocales()).toEqual(['en-US@posix', 'en-US']);
    expect(text).toContain('2026');
    expect(formatNumber(1000)).toBe('1,000');
    expect(formatPercent(0.975)).toBe('97.5%');
  });

  it('uses the browser locale when Intl takes it', () => {
    setPreferredLocale('de-DE');
    expect(formatNumber(1000)).toBe('1.000');
  });

  it('shows a dash for absent or invalid dates and numbers instead of throwing', () => {
    expect(formatDateTime(null)).toBe('—');
    expect(formatDay('not a date')).toBe('—');
    expect(formatTime(undefined)).toBe('—');
    expect(formatNumber(null)).toBe('—');
    expect(formatPercent(null)).toBe('—');
  });

  it('reads a datetime-local value as local time and ignores an empty one', () => {
    expect(fromDateTimeLocalValue('')).toBeUndefined();
    expect(fromDateTimeLocalValue('2026-12-04T10:00')).toBe(new Date(2026, 11, 4, 10, 0).toISOString());
  });
});
