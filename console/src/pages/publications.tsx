import { PageHeading } from '../components/page-heading';
import { useState } from 'preact/hooks';
import { asApiError, call, type ApiError, type Schemas } from '../api';
import { Badge } from '../components/badges';
import { ConfirmDialog } from '../components/confirm-dialog';
import { useCursorPager } from '../components/cursor-pager';
import { ErrorAlert } from '../components/error-alert';
import { Pager } from '../components/pager';
import { TableWrap } from '../components/table-wrap';
import { useAsync } from '../components/use-async';
import { formatDateTime, fromDateTimeLocalValue } from '../format';
import { channelHref, initialFilter } from '../router';
import { api } from '../session';

type Publication = Schemas['Publication'];
type Status = Publication['status'];
export const PUBLICATION_STATUSES: Status[] = ['scheduled', 'held', 'dispatching', 'dispatched', 'succeeded', 'failed', 'cancelled'];
const CANCELLABLE = new Set<Status>(['scheduled', 'held']);

/** Cancels one publication; the caller re-reads its list whatever the answer. */
export function usePublicationCancel(after: () => void) {
  const [cancelling, setCancelling] = useState<string | undefined>(undefined);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const [done, setDone] = useState<string | undefined>(undefined);
  const cancel = async (p: Publication) => {
    setCancelling(p.publication_id);
    setError(undefined);
    setDone(undefined);
    try {
      await call(api().POST('/api/orchestration/publications/{publication_id}/cancel', { params: { path: { publication_id: p.publication_id } }, body: { reason: 'cancelled from the console' } }));
      setDone(`Publication ${p.publication_id} cancelled.`);
    } catch (e) {
      setError(asApiError(e));
    } finally {
      setCancelling(undefined);
      after();
    }
  };
  return { cancel, cancelling, error, done };
}

export function PublicationsTable(props: { items: readonly Publication[]; label: string; onCancel?: (p: Publication) => void; cancelling?: string | undefined }) {
  if (props.items.length === 0) return <p>No publications.</p>;
  return (
    <TableWrap label={props.label}>
      <table>
        <thead>
          <tr>
            <th scope="col">Scheduled at</th>
            <th scope="col">Channel</th>
            <th scope="col">Video</th>
            <th scope="col">Status</th>
            <th scope="col">Group</th>
            <th scope="col" class="num">Priority</th>
            <th scope="col">Publication ID</th>
            {props.onCancel && <th scope="col">Actions</th>}
          </tr>
        </thead>
        <tbody>
          {props.items.map((p) => (
            <tr key={p.publication_id}>
              <td>
                {formatDateTime(p.scheduled_at)}
                {p.shifted_from && <div class="muted">shifted from {formatDateTime(p.shifted_from)}</div>}
              </td>
              <td>
                <a href={channelHref(p.channel_id)}>{p.channel_id}</a>
              </td>
              <td>
                <code>{p.video_id}</code>
              </td>
              <td>
                <Badge value={p.status} />
                {p.status_reason && <div class="muted">{p.status_reason}</div>}
              </td>
              <td>
                <code>{p.wave_id ?? p.coordination_id ?? '—'}</code>
              </td>
              <td class="num">{p.priority}</td>
              <td>
                <code>{p.publication_id}</code>
              </td>
              {props.onCancel && (
                <td>
                  {CANCELLABLE.has(p.status) && (
                    <button
                      type="button"
                      disabled={props.cancelling !== undefined}
                      aria-label={`Cancel publication ${p.publication_id}`}
                      onClick={() => props.onCancel?.(p)}
                    >
                      {props.cancelling === p.publication_id ? 'Cancelling…' : 'Cancel'}
                    </button>
                  )}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

/**
 * Cancels a whole wave or coordination (what has not gone out), offered when
 * the list is filtered by one. The kind is read from the id's prefix.
 */
function GroupCancel({ groupId, after }: { groupId: string; after: () => void }) {
  const kind = groupId.startsWith('wave_') ? 'wave' : groupId.startsWith('coord_') ? 'coordination' : undefined;
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const [done, setDone] = useState<string | undefined>(undefined);
  if (!kind) return null;
  const cancel = async () => {
    setConfirming(false);
    try {
      const body = { reason: 'cancelled from the console' };
      const result =
        kind === 'wave'
          ? await call(api().POST('/api/orchestration/waves/{wave_id}/cancel', { params: { path: { wave_id: groupId } }, body }))
          : await call(api().POST('/api/orchestration/coordinations/{coordination_id}/cancel', { params: { path: { coordination_id: groupId } }, body }));
      setDone(`${result.cancelled_publications} publication(s) cancelled, ${result.not_cancellable} already on their way.`);
      setError(undefined);
    } catch (e) {
      setError(asApiError(e));
    } finally {
      after();
    }
  };
  return (
    <>
      <div class="actions">
        <button type="button" class="danger" onClick={() => setConfirming(true)}>
          Cancel this {kind}
        </button>
      </div>
      <ConfirmDialog open={confirming} title={`Cancel ${kind} ${groupId}?`} confirmLabel={`Confirm cancel ${kind}`} onCancel={() => setConfirming(false)} onConfirm={() => void cancel()}>
        <p>Its publications that have not gone out are cancelled and their schedules deleted.</p>
      </ConfirmDialog>
      <ErrorAlert error={error} />
      {done && (
        <p role="status" class="notice">
          {done}
        </p>
      )}
    </>
  );
}

interface Filters {
  status: '' | Status;
  channel_id: string;
  group_id: string;
  video_id: string;
  from: string;
  to: string;
}
const NO_FILTERS: Filters = { status: '', channel_id: '', group_id: '', video_id: '', from: '', to: '' };

/** Filters a link may carry: `#/publications?status=held&channel_id=c1`. */
function fromHash(): Filters {
  const status = initialFilter('status') as Status;
  return {
    ...NO_FILTERS,
    status: PUBLICATION_STATUSES.includes(status) ? status : '',
    channel_id: initialFilter('channel_id'),
    group_id: initialFilter('group_id'),
    video_id: initialFilter('video_id'),
  };
}

function query(f: Filters) {
  const from = fromDateTimeLocalValue(f.from);
  const to = fromDateTimeLocalValue(f.to);
  return {
    ...(f.status ? { status: f.status } : {}),
    ...(f.channel_id.trim() ? { channel_id: f.channel_id.trim() } : {}),
    ...(f.group_id.trim() ? { group_id: f.group_id.trim() } : {}),
    ...(f.video_id.trim() ? { video_id: f.video_id.trim() } : {}),
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
  };
}

export function PublicationsPage() {
  const [draft, setDraft] = useState<Filters>(() => fromHash());
  const [applied, setApplied] = useState<Filters>(draft);
  const pager = useCursorPager(JSON.stringify(applied));
  const page = useAsync(
    () => call(api().GET('/api/orchestration/publications', { params: { query: { limit: 50, ...query(applied), ...(pager.cursor ? { cursor: pager.cursor } : {}) } } })),
    [applied, pager.cursor],
  );
  const cancel = usePublicationCancel(() => void page.reload());
  const text = (name: 'channel_id' | 'group_id' | 'video_id', label: string) => (
    <div class="field">
      <label for={`pub-${name}`}>{label}</label>
      <input id={`pub-${name}`} value={draft[name]} onInput={(e) => setDraft({ ...draft, [name]: e.currentTarget.value })} />
    </div>
  );
  return (
    <>
      <PageHeading>Publications</PageHeading>
      <form
        class="filters"
        aria-label="Publication filters"
        onSubmit={(e) => {
          e.preventDefault();
          setApplied({ ...draft });
        }}
      >
        <div class="field">
          <label for="pub-status">Status</label>
          <select id="pub-status" value={draft.status} onChange={(e) => setDraft({ ...draft, status: e.currentTarget.value as Filters['status'] })}>
            <option value="">All</option>
            {PUBLICATION_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </div>
        {text('channel_id', 'Channel ID')}
        {text('group_id', 'Wave or coordination ID')}
        {text('video_id', 'Video ID')}
        <div class="field">
          <label for="pub-from">From</label>
          <input id="pub-from" type="datetime-local" value={draft.from} onInput={(e) => setDraft({ ...draft, from: e.currentTarget.value })} />
        </div>
        <div class="field">
          <label for="pub-to">To</label>
          <input id="pub-to" type="datetime-local" value={draft.to} onInput={(e) => setDraft({ ...draft, to: e.currentTarget.value })} />
        </div>
        <button type="submit" class="primary">
          Apply filters
        </button>
      </form>
      {applied.group_id.trim() && <GroupCancel key={applied.group_id} groupId={applied.group_id.trim()} after={() => void page.reload()} />}
      <ErrorAlert error={page.error} />
      <ErrorAlert error={cancel.error} />
      {cancel.done && <p role="status" class="notice">{cancel.done}</p>}
      {page.loading && !page.data ? (
        <p>Loading publications…</p>
      ) : (
        page.data && <PublicationsTable items={page.data.items} label="Publications" onCancel={(p) => void cancel.cancel(p)} cancelling={cancel.cancelling} />
      )}
      <Pager label="Publication pages" pageNumber={pager.pageNumber} hasPrevious={pager.hasPrevious} nextCursor={page.data?.next_cursor} onPrevious={pager.previous} onNext={pager.next} />
    </>
  );
}
