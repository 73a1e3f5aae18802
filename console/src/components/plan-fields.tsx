import type { ComponentChildren } from 'preact';
import type { Schemas } from '../api';
import { splitList } from '../channel-form-model';
import { fromDateTimeLocalValue } from '../format';
import { activeChannelIds, FillIdsButton } from './fill-ids';

export type Timing = Schemas['CoordinatePublicationInput']['timing'];
export type ConflictPolicy = NonNullable<Schemas['CoordinatePublicationInput']['conflict_policy']>;

/** The fields coordinate and wave share, as typed. */
export interface PlanFields {
  channel_ids: string;
  timing: Timing;
  scheduled_at: string;
  delay_seconds: string;
  priority: string;
  conflict_policy: ConflictPolicy;
}

export const initialPlanFields = (): PlanFields => ({
  channel_ids: '',
  timing: 'simultaneous',
  scheduled_at: '',
  delay_seconds: '',
  priority: '5',
  conflict_policy: 'shift',
});

/** A number as typed, or the text when it is not one, so the API's message names the problem. */
export function typedNumber(text: string): number | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  const n = Number(t);
  return (Number.isFinite(n) ? n : t) as number;
}

/** The shared part of the request body. */
export function planBody(f: PlanFields) {
  const scheduled = fromDateTimeLocalValue(f.scheduled_at);
  const delay = typedNumber(f.delay_seconds);
  const priority = typedNumber(f.priority);
  return {
    channel_ids: splitList(f.channel_ids),
    timing: f.timing,
    ...(scheduled ? { scheduled_at: scheduled } : {}),
    ...(delay !== undefined ? { delay_seconds: delay } : {}),
    ...(priority !== undefined ? { priority } : {}),
    conflict_policy: f.conflict_policy,
  };
}

/** The shared inputs; `children` are extra timing inputs (the wave's stagger by), inside the Timing group. */
export function PlanFieldInputs({
  value,
  onChange,
  errors,
  prefix,
  children,
}: {
  value: PlanFields;
  onChange: (v: PlanFields) => void;
  errors: Record<string, string>;
  prefix: string;
  children?: ComponentChildren;
}) {
  const id = (name: string) => `${prefix}-${name}`;
  const invalid = (name: string) => (errors[name] ? { 'aria-invalid': 'true' as const, 'aria-describedby': `${id(name)}-error` } : {});
  const error = (name: string) =>
    errors[name] && (
      <span class="error" id={`${id(name)}-error`}>
        {errors[name]}
      </span>
    );
  return (
    <>
      <div class="field">
        <label for={id('channel_ids')}>Channel IDs</label>
        <textarea id={id('channel_ids')} rows={3} value={value.channel_ids} onInput={(e) => onChange({ ...value, channel_ids: e.currentTarget.value })} aria-describedby={`${id('channel_ids')}-hint${errors.channel_ids ? ` ${id('channel_ids')}-error` : ''}`} aria-invalid={errors.channel_ids ? 'true' : undefined} />
        <span class="hint" id={`${id('channel_ids')}-hint`}>
          Separated by commas, spaces or new lines.
        </span>
        {error('channel_ids')}
        <FillIdsButton label="Fill with every active channel" load={activeChannelIds} onFill={(text) => onChange({ ...value, channel_ids: text })} />
      </div>
      <fieldset>
        <legend>Timing</legend>
        <div class="field">
          <label for={id('timing')}>Timing</label>
          <select id={id('timing')} value={value.timing} onChange={(e) => onChange({ ...value, timing: e.currentTarget.value as Timing })} {...invalid('timing')}>
            <option value="simultaneous">simultaneous</option>
            <option value="staggered">staggered</option>
            <option value="independent">independent</option>
          </select>
          {error('timing')}
        </div>
        <div class="field">
          <label for={id('scheduled_at')}>Scheduled at</label>
          <input
            id={id('scheduled_at')}
            type="datetime-local"
            value={value.scheduled_at}
            onInput={(e) => onChange({ ...value, scheduled_at: e.currentTarget.value })}
            {...invalid('scheduled_at')}
            aria-describedby={[`${id('scheduled_at')}-hint`, errors.scheduled_at ? `${id('scheduled_at')}-error` : ''].filter(Boolean).join(' ')}
          />
          <span class="hint" id={`${id('scheduled_at')}-hint`}>
            Your local time; empty: now.
          </span>
          {error('scheduled_at')}
        </div>
        <div class="field">
          <label for={id('delay_seconds')}>Delay between (seconds)</label>
          <input
            id={id('delay_seconds')}
            inputMode="numeric"
            value={value.delay_seconds}
            onInput={(e) => onChange({ ...value, delay_seconds: e.currentTarget.value })}
            {...invalid('delay_seconds')}
            aria-describedby={[`${id('delay_seconds')}-hint`, errors.delay_seconds ? `${id('delay_seconds')}-error` : ''].filter(Boolean).join(' ')}
          />
          <span class="hint" id={`${id('delay_seconds')}-hint`}>
            The step of staggered timing.
          </span>
          {error('delay_seconds')}
        </div>
        <div class="field">
          <label for={id('priority')}>Priority</label>
          <input id={id('priority')} inputMode="numeric" value={value.priority} onInput={(e) => onChange({ ...value, priority: e.currentTarget.value })} {...invalid('priority')} />
          {error('priority')}
        </div>
        <div class="field">
          <label for={id('conflict_policy')}>Conflict policy</label>
          <select id={id('conflict_policy')} value={value.conflict_policy} onChange={(e) => onChange({ ...value, conflict_policy: e.currentTarget.value as ConflictPolicy })} {...invalid('conflict_policy')}>
            <option value="shift">shift (move to the next free time)</option>
            <option value="reject">reject (leave it out)</option>
            <option value="preempt">preempt (move lower priorities)</option>
          </select>
          {error('conflict_policy')}
        </div>
        {children}
      </fieldset>
    </>
  );
}

/** The API's field paths (`wave_config.timing`, `channel_ids.2`) to the input names above. */
export function planFieldErrors(fields: readonly { field: string; message: string }[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of fields) {
    const last = f.field.replace(/^wave_config\./, '').split('.')[0] ?? f.field;
    out[last] = out[last] ? `${out[last]}; ${f.field}: ${f.message}` : `${f.field}: ${f.message}`;
  }
  return out;
}
