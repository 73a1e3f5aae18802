import { PageHeading } from '../components/page-heading';
import { useState } from 'preact/hooks';
import { call, type Schemas } from '../api';
import { Badge } from '../components/badges';
import { useCursorPager } from '../components/cursor-pager';
import { ErrorAlert } from '../components/error-alert';
import { Pager } from '../components/pager';
import { TableWrap } from '../components/table-wrap';
import { useAsync } from '../components/use-async';
import { formatDateTime } from '../format';
import { channelHref, initialFilter } from '../router';
import { api } from '../session';

type Run = Schemas['PipelineRun'];
type Status = Run['status'];
const STATUSES: Status[] = ['queued', 'held', 'dispatched', 'in_progress', 'succeeded', 'failed'];

export function RunsTable({ items, label }: { items: readonly Run[]; label: string }) {
  if (items.length === 0) return <p>No pipeline runs.</p>;
  return (
    <TableWrap label={label}>
      <table>
        <thead>
          <tr>
            <th scope="col">Created</th>
            <th scope="col">Channel</th>
            <th scope="col">Status</th>
            <th scope="col">Route</th>
            <th scope="col">Priority</th>
            <th scope="col">Videos</th>
            <th scope="col">Attempts</th>
            <th scope="col">Last error</th>
            <th scope="col">Run ID</th>
          </tr>
        </thead>
        <tbody>
          {items.map((r) => (
            <tr key={r.run_id}>
              <td>{formatDateTime(r.created_at)}</td>
              <td>
                <a href={channelHref(r.channel_id)}>{r.channel_id}</a>
              </td>
              <td>
                <Badge value={r.status} />
              </td>
              <td>{r.route.replace('_', ' ')}</td>
              <td>{r.priority}</td>
              <td>{r.publications.length > 0 ? r.publications.map((p) => p.video_id).join(', ') : (r.video_id ?? '—')}</td>
              <td class="num">{r.attempts}</td>
              <td>
                {r.last_error ? (
                  <>
                    <code>{r.last_error.code}</code>: {r.last_error.message}
                  </>
                ) : (
                  '—'
                )}
              </td>
              <td>
                {r.github?.html_url ? (
                  <a href={r.github.html_url} rel="noreferrer" target="_blank">
                    {r.run_id}
                  </a>
                ) : (
                  <code>{r.run_id}</code>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

/** Pipeline runs, newest first, filtered by channel and status. The API has no cancel for a run. */
export function RunsPage() {
  const [draft, setDraft] = useState(() => {
    const status = initialFilter('status') as Status;
    return { channel_id: initialFilter('channel_id'), status: STATUSES.includes(status) ? status : ('' as '' | Status) };
  });
  const [applied, setApplied] = useState(draft);
  const pager = useCursorPager(JSON.stringify(applied));
  const page = useAsync(
    () =>
      call(
        api().GET('/api/orchestration/pipeline-runs', {
          params: {
            query: {
              limit: 50,
              ...(applied.channel_id.trim() ? { channel_id: applied.channel_id.trim() } : {}),
              ...(applied.status ? { status: applied.status } : {}),
              ...(pager.cursor ? { cursor: pager.cursor } : {}),
            },
          },
        }),
      ),
    [applied, pager.cursor],
  );
  return (
    <>
      <PageHeading>Pipeline runs</PageHeading>
      <form
        class="filters"
        aria-label="Pipeline run filters"
        onSubmit={(e) => {
          e.preventDefault();
          setApplied({ ...draft });
        }}
      >
        <div class="field">
          <label for="run-status">Status</label>
          <select id="run-status" value={draft.status} onChange={(e) => setDraft({ ...draft, status: e.currentTarget.value as '' | Status })}>
            <option value="">All</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="run-channel">Channel ID</label>
          <input id="run-channel" value={draft.channel_id} onInput={(e) => setDraft({ ...draft, channel_id: e.currentTarget.value })} />
        </div>
        <button type="submit" class="primary">
          Apply filters
        </button>
      </form>
      <p class="muted">A run cannot be cancelled once triggered; cancel its publications before they fire instead.</p>
      <ErrorAlert error={page.error} />
      {page.loading && !page.data ? <p>Loading pipeline runs…</p> : page.data && <RunsTable items={page.data.items} label="Pipeline runs" />}
      <Pager label="Pipeline run pages" pageNumber={pager.pageNumber} hasPrevious={pager.hasPrevious} nextCursor={page.data?.next_cursor} onPrevious={pager.previous} onNext={pager.next} />
    </>
  );
}
