/**
 * The channel form's model, pure: the text the operator types, to the PUT
 * body, and the API's field paths (details.fields) back to the inputs.
 * Types only from the generated client.
 */
import type { components } from '../../clients/typescript/api';

type Channel = components['schemas']['Channel'];
type Definition = components['schemas']['ChannelDefinition'];

export interface ChannelFormValues {
  channel_id: string;
  name: string;
  status: Channel['status'];
  priority: string;
  'github.owner': string;
  'github.repo': string;
  'github.workflow': string;
  'github.ref': string;
  'publishing.timezone': string;
  'publishing.slots': string;
  'publishing.min_gap_minutes': string;
  'publishing.max_per_day': string;
  'filters.tags_any': string;
  'filters.tags_none': string;
  'filters.languages': string;
  'filters.categories': string;
  'filters.min_duration_seconds': string;
  'filters.max_duration_seconds': string;
  config: string;
}

export type FieldKey = keyof ChannelFormValues;

/** Each field's label: the API's field name in words. */
export const FIELD_LABELS: Record<FieldKey, string> = {
  channel_id: 'Channel ID',
  name: 'Name',
  status: 'Status',
  priority: 'Priority',
  'github.owner': 'GitHub owner',
  'github.repo': 'GitHub repository',
  'github.workflow': 'GitHub workflow',
  'github.ref': 'GitHub ref',
  'publishing.timezone': 'Time zone',
  'publishing.slots': 'Slots',
  'publishing.min_gap_minutes': 'Minimum gap (minutes)',
  'publishing.max_per_day': 'Maximum per day',
  'filters.tags_any': 'Tags, any of',
  'filters.tags_none': 'Tags, none of',
  'filters.languages': 'Languages',
  'filters.categories': 'Categories',
  'filters.min_duration_seconds': 'Minimum duration (seconds)',
  'filters.max_duration_seconds': 'Maximum duration (seconds)',
  config: 'Config (JSON)',
};

export const FIELD_KEYS = Object.keys(FIELD_LABELS) as FieldKey[];

export function emptyForm(): ChannelFormValues {
  return {
    channel_id: '',
    name: '',
    status: 'active',
    priority: '5',
    'github.owner': '',
    'github.repo': '',
    'github.workflow': '',
    'github.ref': 'main',
    'publishing.timezone': 'UTC',
    'publishing.slots': '',
    'publishing.min_gap_minutes': '0',
    'publishing.max_per_day': '',
    'filters.tags_any': '',
    'filters.tags_none': '',
    'filters.languages': '',
    'filters.categories': '',
    'filters.min_duration_seconds': '',
    'filters.max_duration_seconds': '',
    config: '{}',
  };
}

const list = (values: readonly string[] | undefined) => (values ?? []).join(', ');
const num = (value: number | null | undefined) => (value === null || value === undefined ? '' : String(value));

/** The form filled from a channel as the API answers it. */
export function formFromChannel(channel: Channel): ChannelFormValues {
  return {
    channel_id: channel.channel_id,
    name: channel.name,
    status: channel.status,
    priority: String(channel.priority),
    'github.owner': channel.github?.owner ?? '',
    'github.repo': channel.github?.repo ?? '',
    'github.workflow': channel.github?.workflow ?? '',
    'github.ref': channel.github?.ref ?? 'main',
    'publishing.timezone': channel.publishing.timezone,
    'publishing.slots': list(channel.publishing.slots),
    'publishing.min_gap_minutes': String(channel.publishing.min_gap_minutes),
    'publishing.max_per_day': num(channel.publishing.max_per_day),
    'filters.tags_any': list(channel.filters?.tags_any),
    'filters.tags_none': list(channel.filters?.tags_none),
    'filters.languages': list(channel.filters?.languages),
    'filters.categories': list(channel.filters?.categories),
    'filters.min_duration_seconds': num(channel.filters?.min_duration_seconds),
    'filters.max_duration_seconds': num(channel.filters?.max_duration_seconds),
    config: JSON.stringify(channel.config ?? {}, null, 2),
  };
}

/** "a, b c" → ['a', 'b', 'c']: commas or spaces separate. */
export function splitList(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * A number as typed; what is not a number is sent as typed, so the API's own
 * message names the problem (one set of rules, the API's).
 */
function numberOrText(text: string): number {
  const trimmed = text.trim();
  const n = Number(trimmed);
  return (trimmed !== '' && Number.isFinite(n) ? n : trimmed) as number;
}
const optionalNumber = (text: string): number | null => (text.trim() === '' ? null : numberOrText(text));

export type ToDefinition = { ok: true; body: Definition } | { ok: false; field: FieldKey; message: string };

/** The PUT body of the form. Only what cannot be sent at all is refused here: config that is not JSON. */
export function definitionFromForm(values: ChannelFormValues): ToDefinition {
  let config: unknown;
  try {
    config = values.config.trim() === '' ? {} : JSON.parse(values.config);
  } catch (error) {
    return { ok: false, field: 'config', message: `not valid JSON (${(error as Error).message})` };
  }
  const github = [values['github.owner'], values['github.repo'], values['github.workflow']].some((v) => v.trim() !== '')
    ? {
        owner: values['github.owner'].trim(),
        repo: values['github.repo'].trim(),
        workflow: values['github.workflow'].trim(),
        ref: values['github.ref'].trim() || 'main',
      }
    : null;
  const filterKeys: FieldKey[] = ['filters.tags_any', 'filters.tags_none', 'filters.languages', 'filters.categories', 'filters.min_duration_seconds', 'filters.max_duration_seconds'];
  const filters = filterKeys.some((k) => values[k].trim() !== '')
    ? {
        tags_any: splitList(values['filters.tags_any']),
        tags_none: splitList(values['filters.tags_none']),
        languages: splitList(values['filters.languages']),
        categories: splitList(values['filters.categories']),
        min_duration_seconds: optionalNumber(values['filters.min_duration_seconds']),
        max_duration_seconds: optionalNumber(values['filters.max_duration_seconds']),
      }
    : null;
  const body: Definition = {
    name: values.name,
    status: values.status,
    priority: values.priority.trim() === '' ? 5 : numberOrText(values.priority),
    github,
    publishing: {
      timezone: values['publishing.timezone'].trim(),
      slots: splitList(values['publishing.slots']),
      min_gap_minutes: values['publishing.min_gap_minutes'].trim() === '' ? 0 : numberOrText(values['publishing.min_gap_minutes']),
      max_per_day: optionalNumber(values['publishing.max_per_day']),
    },
    filters,
    config: config as Definition['config'],
  };
  return { ok: true, body };
}

/**
 * The input an API field path belongs to: `publishing.slots.1` → the slots
 * field, `channel_id` (in the path) → Channel ID. Undefined when none does
 * (the error shows in the summary only).
 */
export function fieldForApiPath(path: string): FieldKey | undefined {
  if (path === 'channel_id') return 'channel_id';
  let best: FieldKey | undefined;
  for (const key of FIELD_KEYS) {
    if ((path === key || path.startsWith(`${key}.`)) && (!best || key.length > best.length)) best = key;
  }
  if (!best && path.startsWith('config')) return 'config';
  // A whole object refused (github, filters, publishing): its first field carries the message.
  if (!best && path === 'github') return 'github.owner';
  if (!best && path === 'filters') return 'filters.tags_any';
  if (!best && path === 'publishing') return 'publishing.timezone';
  return best;
}

/** The API's field problems, gathered by input: one message per input, joined when several. */
export function fieldErrors(fields: readonly { field: string; message: string }[]): Partial<Record<FieldKey, string>> {
  const out: Partial<Record<FieldKey, string>> = {};
  for (const f of fields) {
    const key = fieldForApiPath(f.field);
    if (!key) continue;
    const text = key === f.field ? f.message : `${f.field}: ${f.message}`;
    out[key] = out[key] ? `${out[key]}; ${text}` : text;
  }
  return out;
}
