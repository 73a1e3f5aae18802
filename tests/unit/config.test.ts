import { describe, expect, it } from 'vitest';
import { parseSettings } from '#shared/config';

describe('Function: parseSettings', () => {
  describe('retention', () => {
    it('keeps finished publications 90 days and activity 365 unless told otherwise', () => {
      expect(parseSettings({})).toMatchObject({ PUBLICATION_RETENTION_DAYS: 90, ACTIVITY_RETENTION_DAYS: 365 });
    });

    it('reads PUBLICATION_RETENTION_DAYS as whole days', () => {
      expect(parseSettings({ PUBLICATION_RETENTION_DAYS: '30' }).PUBLICATION_RETENTION_DAYS).toBe(30);
    });

    it.each(['0', '3651', '1.5', 'ninety'])('refuses PUBLICATION_RETENTION_DAYS=%s, naming it', (value) => {
      expect(() => parseSettings({ PUBLICATION_RETENTION_DAYS: value })).toThrow(/PUBLICATION_RETENTION_DAYS/);
    });
  });
});
