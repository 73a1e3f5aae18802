import { describe, expect, it } from 'vitest';
import { channelDefinition } from '#shared/schemas/channels';

const timezoneOf = (timezone: unknown) => {
  const result = channelDefinition.safeParse({ name: 'Zones', publishing: { timezone } });
  return result.success ? result.data.publishing.timezone : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('Schema: channelDefinition', () => {
  describe('publishing.timezone', () => {
    for (const [given, canonical] of [
      ['europe/paris', 'Europe/Paris'],
      ['EUROPE/PARIS', 'Europe/Paris'],
      ['america/new_york', 'America/New_York'],
      ['utc', 'UTC'],
      ['Europe/Paris', 'Europe/Paris'],
    ] as const) {
      it(`stores '${given}' as its canonical spelling '${canonical}'`, () => {
        expect(timezoneOf(given)).toBe(canonical);
      });
    }

    it('defaults to UTC', () => {
      expect(channelDefinition.parse({ name: 'Zones' }).publishing.timezone).toBe('UTC');
    });

    it('keeps an alias in the form the runtime gives it, one it reads back unchanged', () => {
      // Prepare: ICU (Node 20) resolves the alias to America/New_York; a runtime that
      // keeps aliases (TC39 canonical time zones) still fixes the case: US/Eastern.
      const stored = timezoneOf('us/eastern') as string;

      // Assess
      expect(['America/New_York', 'US/Eastern']).toContain(stored);
      expect(timezoneOf(stored)).toBe(stored);
    });

    it('refuses an unknown zone naming the field, without reaching the transform', () => {
      expect(timezoneOf('Mars/Olympus')).toEqual(['publishing.timezone: must be an IANA time zone such as Europe/Paris']);
    });
  });
});
