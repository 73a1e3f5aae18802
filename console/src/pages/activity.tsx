import { PageHeading } from '../components/page-heading';
import { useEffect, useState } from 'preact/hooks';
import { asApiError, call, type ApiError, type Schemas } from '../api';
import { ErrorAlert } from '../components/error-alert';
import { formatDateTime, formatNumber, fromDateTimeLocalValue } from '../format';
import { initialFilter } from '../router';
import { api } from '../session';

type Entry = Schemas['ActivityEntry'];
type ActivityType = Entry['type'];

/** Every action the API records (the `type` filter's values). */
export const ACTIVITY_TYPES: ActivityType[] = [
  'system.started', 'system.stopped', 'system.paused', 'system.resumed',
  'channel.created', 'channel.updated', 'channel.deleted', 'channel.config_synced',
  'videos.distributed', 'publication.coordinated', 'publication.cancelled', 'publication.preempted',
  'wave.scheduled', 'wave.cancelled', 'coordination.cancelled', 'coordination.rolled_back',
  'slot.fired', 'publications.held', 'publications.released',
  'pipeline.triggered', 'pipeline.trigger_received', 'pipeline.dispatched', 'pipeline.in_progress', 'pipeline.succeeded', 'pipeline.failed', 'pipeline.held',
];

/** Activity entries as a list: the action, when, who, on what. */
export function ActivityList({ items }: { items: readonly Entry[] }) {
  if (items.length === 0) return <p>No activity.</p>;
  return (
    <ul class="plain-list activity-list">
      {items.map((e) => (
        <li key={e.activity_id}>
          <code>{e.type}</code> · {formatDateTime(e.at)} · {e.actor} · {e.target.type} <code>{e.target.id}</code>
          {e.channel_count > 0 && (
            <span class="muted">
              {' '}
              · channels: {e.channel_ids.slice(0, 5).join(', ')}
              {e.channel_count > 5 ? ` and ${formatNumber(e.channel_count - 5)} more` : ''}
            </span>
          )}
        </li>
      ))}
    </ul>
  );
}

interface Filters {
  type: '' | ActivityType;
  channel: string;
  since: string;
}

/**
 * The API filters by type and channel and pages newest first; "since" is
 * applied here: reading stops at the first entry older than it.
 */
export function ActivityPage() {
  const [draft, setDraft] = useState<Filters>(() => {
    const type = initialFilter('type') as ActivityType;
    return { type: ACTIVITY_TYPES.includes(type) ? type : '', channel: initialFilter('channel_id'), since: '' };
  });
  const [items, setItems] = useState<Entry[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [reachedSince, setReachedSince] = useState(false);
  const [loading, setLoading] = useState(false);
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const [applied, setApplied] = useState<Filters>(draft);

  const load = async (filters: Filters, from: string | undefined, append: boolean) => {
    setLoading(true);
    try {
      const page = await call(
        api().GET('/api/orchestration/activity', {
          params: {
            query: {
              limit: 50,
              ...(filters.type ? { type: filters.type } : {}),
              ...(filters.channel.trim() ? { channel_id: filters.channel.trim() } : {}),
              ...(from ? { cursor: from } : {}),
            },
          },
        }),
      );
      const sinceIso = fromDateTimeLocalValue(filters.since);
      const since = sinceIso === undefined ? undefined : Date.parse(sinceIso);
      const kept = since !== undefined ? page.items.filter((e) => Date.parse(e.at) >= since) : page.items;
      const stopped = since !== undefined && kept.length < page.items.length;
      setItems((before) => (append ? [...before, ...kept] : kept));
      setCursor(stopped ? null : page.next_cursor);
      setReachedSince(stopped);
      setError(undefined);
    } catch (e) {
      setError(asApiError(e));
      if (!append) {
        setItems([]);
        setCursor(null);
      }
    } finally {
      setLoading(false);
      setLoaded(true);
    }
  };

  useEffect(() => {
    void load(applied, undefined, false);
  }, []);

  return (
    <>
      <PageHeading>Activity</PageHeading>
      <form
        class="filters"
        aria-label="Activity filters"
        onSubmit={(e) => {
          e.preventDefault();
          setApplied(draft);
          void load(draft, undefined, false);
        }}
      >
        <div class="field">
          <label for="activity-type">Action</label>
          <select id="activity-type" value={draft.type} onChange={(e) => setDraft({ ...draft, type: e.currentTarget.value as Filters['type'] })}>
            <option value="">All actions</option>
            {ACTIVITY_TYPES.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="activity-channel">Channel ID</label>
          <input id="activity-channel" value={draft.channel} onInput={(e) => setDraft({ ...draft, channel: e.currentTarget.value })} />
        </div>
        <div class="field">
          <label for="activity-since">Since</label>
          <input id="activity-since" type="datetime-local" value={draft.since} onInput={(e) => setDraft({ ...draft, since: e.currentTarget.value })} />
        </div>
        <button type="submit" class="primary">
          Apply filters
        </button>
      </form>
      <ErrorAlert error={error} />
      {!loaded || (loading && items.length === 0) ? <p>Loading activity…</p> : <ActivityList items={items} />}
      <div class="actions">
        <span aria-live="polite">
          {formatNumber(items.length)} entr{items.length === 1 ? 'y' : 'ies'}
          {reachedSince ? ' since the time asked' : ''}
        </span>
        {cursor && (
          <button type="button" disabled={loading} onClick={() => void load(applied, cursor, true)}>
            Load more
          </button>
        )}
      </div>
    </>
  );
}
