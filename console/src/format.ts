/**
 * Every date and number the console shows goes through here. Browsers may
 * report a locale Intl refuses (Chromium's `en-US@posix`): each call tries
 * the browser's language, then en-US, then a plain ISO or String form, so a
 * render never throws on formatting.
 */

let preferred: string | undefined;

/** The browser's language, when it has one (tests set it). */
export function setPreferredLocale(locale: string | undefined): void {
  preferred = locale;
}

function browserLocale(): string | undefined {
  if (preferred !== undefined) return preferred;
  const nav = (globalThis as { navigator?: { language?: string } }).navigator;
  return nav?.language;
}

/** Whether Intl takes this tag (Chromium may report `en-US@posix`, which it refuses). */
export function isUsableLocale(tag: string | undefined): boolean {
  if (!tag) return false;
  try {
    return Intl.getCanonicalLocales(tag).length > 0 && new Intl.NumberFormat(tag) !== undefined;
  } catch {
    return false;
  }
}

/** The locales to try, in order: the browser's (when Intl takes it), then en-US. */
export function candidateLocales(): string[] {
  const locale = browserLocale();
  return locale ? [locale, 'en-US'] : ['en-US'];
}

function tryFormat(make: (locale: string) => string, fallback: () => string): string {
  for (const locale of candidateLocales()) {
    try {
      return make(locale);
    } catch {
      // An invalid language tag or an option the engine lacks: try the next.
    }
  }
  return fallback();
}

function toDate(value: string | number | Date | null | undefined): Date | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** A moment as date and time in the browser's zone, e.g. "Dec 2, 2026, 14:05"; "—" when absent. */
export function formatDateTime(value: string | number | Date | null | undefined): string {
  const date = toDate(value);
  if (!date) return '—';
  return tryFormat(
    (locale) => new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(date),
    () => date.toISOString(),
  );
}

/** A day, e.g. "Wed, Dec 2"; ISO yyyy-mm-dd as the fallback. */
export function formatDay(value: string | number | Date | null | undefined): string {
  const date = toDate(value);
  if (!date) return '—';
  return tryFormat(
    (locale) => new Intl.DateTimeFormat(locale, { weekday: 'short', month: 'short', day: 'numeric' }).format(date),
    () => date.toISOString().slice(0, 10),
  );
}

/** A time of day, e.g. "14:05"; ISO hh:mm (UTC) as the fallback. */
export function formatTime(value: string | number | Date | null | undefined): string {
  const date = toDate(value);
  if (!date) return '—';
  return tryFormat(
    (locale) => new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' }).format(date),
    () => `${date.toISOString().slice(11, 16)} UTC`,
  );
}

/** A count with grouping, e.g. "1,000". */
export function formatNumber(value: number | null | undefined): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  return tryFormat(
    (locale) => new Intl.NumberFormat(locale).format(value),
    () => String(value),
  );
}

/** A ratio 0..1 as a percentage, e.g. "97.5%"; "—" when null. */
export function formatPercent(value: number | null | undefined): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  return tryFormat(
    (locale) => new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(value),
    () => `${Math.round(value * 1000) / 10}%`,
  );
}

/** A value for <input type="datetime-local"> (local time, minutes) from a Date. */
export function toDateTimeLocalValue(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** An ISO instant from a datetime-local value (read as local time); undefined when empty or invalid. */
export function fromDateTimeLocalValue(value: string): string | undefined {
  if (!value) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}
