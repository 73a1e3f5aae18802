import { describe, expect, it } from 'vitest';
import { definitionFromForm, emptyForm, fieldErrors, fieldForApiPath, formFromChannel } from '../../../console/src/channel-form-model';

describe('Module: channel form model', () => {
  it('turns the typed form into the PUT body, lists split on commas and spaces, empty groups as null', () => {
    const values = { ...emptyForm(), channel_id: 'c1', name: 'Cooking', 'publishing.timezone': 'Europe/Paris', 'publishing.slots': '09:00, 18:00', 'publishing.max_per_day': '3' };
    const result = definitionFromForm(values);
    expect(result).toEqual({
      ok: true,
      body: {
        name: 'Cooking',
        status: 'active',
        priority: 5,
        github: null,
        publishing: { timezone: 'Europe/Paris', slots: ['09:00', '18:00'], min_gap_minutes: 0, max_per_day: 3 },
        filters: null,
        config: {},
      },
    });
  });

  it('sends what is not a number as typed, so the API names the problem', () => {
    const result = definitionFromForm({ ...emptyForm(), name: 'x', priority: 'high' });
    expect(result.ok && result.body.priority).toBe('high');
  });

  it('refuses config that is not JSON, on the config field', () => {
    expect(definitionFromForm({ ...emptyForm(), config: '{oops' })).toMatchObject({ ok: false, field: 'config' });
  });

  it('fills the form from a channel and back to the same definition', () => {
    const channel = {
      channel_id: 'c1', name: 'N', status: 'paused' as const, priority: 7,
      github: { owner: 'o', repo: 'r', workflow: 'w.yml', ref: 'dev' },
      publishing: { timezone: 'UTC', slots: ['10:00'], min_gap_minutes: 15, max_per_day: null },
      filters: { tags_any: ['a'], tags_none: [], languages: ['fr'], categories: [], min_duration_seconds: 60, max_duration_seconds: null },
      config: { k: 1 }, created_at: '', updated_at: '', version: 1,
    };
    const result = definitionFromForm(formFromChannel(channel));
    expect(result.ok && result.body).toEqual({
      name: 'N', status: 'paused', priority: 7, github: channel.github, publishing: channel.publishing, filters: channel.filters, config: { k: 1 },
    });
  });

  it('puts each API field path on its input', () => {
    expect(fieldForApiPath('publishing.slots.1')).toBe('publishing.slots');
    expect(fieldForApiPath('publishing.timezone')).toBe('publishing.timezone');
    expect(fieldForApiPath('channel_id')).toBe('channel_id');
    expect(fieldForApiPath('config.deep.key')).toBe('config');
    expect(fieldForApiPath('github')).toBe('github.owner');
    expect(fieldForApiPath('$')).toBeUndefined();
    expect(fieldErrors([{ field: 'publishing.slots.0', message: 'must be a local time "HH:MM"' }])).toEqual({ 'publishing.slots': 'publishing.slots.0: must be a local time "HH:MM"' });
  });
});
