import { PageHeading } from '../components/page-heading';
import { useEffect, useState } from 'preact/hooks';
import { ApiError, asApiError, call } from '../api';
import {
  definitionFromForm,
  emptyForm,
  FIELD_LABELS,
  fieldErrors,
  formFromChannel,
  type ChannelFormValues,
  type FieldKey,
} from '../channel-form-model';
import { ErrorAlert } from '../components/error-alert';
import { channelHref, navigate } from '../router';
import { api } from '../session';

const HINTS: Partial<Record<FieldKey, string>> = {
  channel_id: 'Up to 64 letters, digits, dots, dashes and underscores; it cannot change later.',
  priority: '0-9, higher first.',
  'publishing.timezone': 'An IANA zone, e.g. Europe/Paris.',
  'publishing.slots': 'Times of day, HH:MM, separated by commas.',
  'publishing.max_per_day': 'Empty: no limit.',
  'filters.tags_any': 'Separated by commas. Leave every filter empty for a channel without filters.',
  'github.owner': 'Leave the GitHub fields empty for a channel run by the processing workers.',
};

function Field(props: {
  name: FieldKey;
  values: ChannelFormValues;
  errors: Partial<Record<FieldKey, string>>;
  onChange: (name: FieldKey, value: string) => void;
  type?: 'text' | 'number' | 'textarea' | 'select';
  options?: string[];
  readOnly?: boolean;
  required?: boolean;
}) {
  const id = `field-${props.name.replace(/\./g, '-')}`;
  const error = props.errors[props.name];
  const hint = props.readOnly ? 'A channel keeps its id: create a new channel for another one.' : HINTS[props.name];
  const describedBy = [error ? `${id}-error` : '', hint ? `${id}-hint` : ''].filter(Boolean).join(' ') || undefined;
  const common = {
    id,
    name: props.name,
    'aria-invalid': error ? ('true' as const) : undefined,
    'aria-describedby': describedBy,
    required: props.required,
  };
  const value = props.values[props.name];
  return (
    <div class="field">
      <label for={id}>{FIELD_LABELS[props.name]}</label>
      {props.type === 'textarea' ? (
        <textarea {...common} rows={6} value={value} onInput={(e) => props.onChange(props.name, e.currentTarget.value)} />
      ) : props.type === 'select' ? (
        <select {...common} value={value} onChange={(e) => props.onChange(props.name, e.currentTarget.value)}>
          {props.options?.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      ) : (
        <input
          {...common}
          type="text"
          inputMode={props.type === 'number' ? 'numeric' : undefined}
          readOnly={props.readOnly}
          value={value}
          onInput={(e) => props.onChange(props.name, e.currentTarget.value)}
        />
      )}
      {hint && (
        <span class="hint" id={`${id}-hint`}>
          {hint}
        </span>
      )}
      {error && (
        <span class="error" id={`${id}-error`}>
          {error}
        </span>
      )}
    </div>
  );
}

/** New channel (no id) or edit one: the API validates, its messages land on the fields they name. */
export function ChannelFormPage({ id }: { id?: string }) {
  const editing = id !== undefined;
  const [values, setValues] = useState<ChannelFormValues>(emptyForm);
  const [loadError, setLoadError] = useState<ApiError | undefined>(undefined);
  const [loaded, setLoaded] = useState(!editing);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const [errors, setErrors] = useState<Partial<Record<FieldKey, string>>>({});
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    if (!editing) return;
    call(api().GET('/api/orchestration/channels/{channel_id}', { params: { path: { channel_id: id } } })).then(
      (channel) => {
        setValues(formFromChannel(channel));
        setLoaded(true);
      },
      (e: unknown) => setLoadError(asApiError(e)),
    );
  }, [id]);

  const onChange = (name: FieldKey, value: string) => setValues((v) => ({ ...v, [name]: value }));
  const fail = (problem: ApiError) => {
    setError(problem);
    setErrors(fieldErrors(problem.fields));
    // Focus the first field at fault, so a keyboard or screen reader user lands on it.
    requestAnimationFrame(() => document.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
  };

  const save = async () => {
    const channelId = values.channel_id.trim();
    if (!channelId) {
      return fail(new ApiError('validation_failed', 'invalid request: path.channel_id', 400, [{ field: 'channel_id', in: 'path', message: 'required' }]));
    }
    const definition = definitionFromForm(values);
    if (!definition.ok) {
      return fail(new ApiError('validation_failed', `invalid request: body.${definition.field}`, 400, [{ field: definition.field, in: 'body', message: definition.message }]));
    }
    setSaving(true);
    try {
      if (!editing) {
        // PUT creates or replaces: a new channel must not replace one that exists.
        const existing = await api().GET('/api/orchestration/channels/{channel_id}', { params: { path: { channel_id: channelId } } });
        if (existing.data) {
          return fail(new ApiError('channel_exists', `a channel ${channelId} exists already; edit it instead`, 409, [{ field: 'channel_id', message: 'already taken' }]));
        }
      }
      await call(api().PUT('/api/orchestration/channels/{channel_id}', { params: { path: { channel_id: channelId } }, body: definition.body }));
      navigate(channelHref(channelId));
    } catch (e) {
      fail(asApiError(e));
    } finally {
      setSaving(false);
    }
  };

  const field = (name: FieldKey, extra: Partial<Parameters<typeof Field>[0]> = {}) => <Field name={name} values={values} errors={errors} onChange={onChange} {...extra} />;

  return (
    <>
      <PageHeading>{editing ? 'Edit channel' : 'New channel'}</PageHeading>
      <p>
        <a href={editing ? channelHref(id) : '#/channels'}>{editing ? 'Back to the channel' : 'Back to channels'}</a>
      </p>
      <ErrorAlert error={loadError} />
      {!loaded && !loadError && <p>Loading the channel…</p>}
      {loaded && (
        <form
          class="form"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          <ErrorAlert error={error} />
          <fieldset>
            <legend>Channel</legend>
            {field('channel_id', { readOnly: editing, required: true })}
            {field('name', { required: true })}
            {field('status', { type: 'select', options: ['active', 'paused', 'inactive'] })}
            {field('priority', { type: 'number' })}
          </fieldset>
          <fieldset>
            <legend>Publishing</legend>
            {field('publishing.timezone')}
            {field('publishing.slots')}
            {field('publishing.min_gap_minutes', { type: 'number' })}
            {field('publishing.max_per_day', { type: 'number' })}
          </fieldset>
          <fieldset>
            <legend>GitHub</legend>
            {field('github.owner')}
            {field('github.repo')}
            {field('github.workflow')}
            {field('github.ref')}
          </fieldset>
          <fieldset>
            <legend>Filters</legend>
            {field('filters.tags_any')}
            {field('filters.tags_none')}
            {field('filters.languages')}
            {field('filters.categories')}
            {field('filters.min_duration_seconds', { type: 'number' })}
            {field('filters.max_duration_seconds', { type: 'number' })}
          </fieldset>
          {field('config', { type: 'textarea' })}
          <div class="actions">
            <button type="submit" class="primary" disabled={saving}>
              Save channel
            </button>
            {saving && <span aria-live="polite">Saving…</span>}
          </div>
        </form>
      )}
    </>
  );
}
