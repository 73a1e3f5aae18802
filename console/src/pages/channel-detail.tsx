import { PageHeading } from '../components/page-heading';
import { useState } from 'preact/hooks';
import { asApiError, call, type ApiError } from '../api';
import { Badge } from '../components/badges';
import { ConfirmDialog } from '../components/confirm-dialog';
import { useCursorPager } from '../components/cursor-pager';
import { ErrorAlert } from '../components/error-alert';
import { Pager } from '../components/pager';
import { useAsync } from '../components/use-async';
import { formatDateTime, formatNumber, formatPercent } from '../format';
import { channelHref, hashWith, navigate } from '../router';
import { api } from '../session';
import { PublicationsTable, usePublicationCancel } from './publications';
import { RunsTable } from './runs';

function ChannelPublications({ id }: { id: string }) {
  // The API lists by scheduled time, earliest first: from now on is what an operator looks for first.
  const [upcoming, setUpcoming] = useState(true);
  const [from] = useState(() => new Date(Date.now() - 3_600_000).toISOString());
  const pager = useCursorPager(`${id}:${upcoming}`);
  const page = useAsync(
    () =>
      call(
        api().GET('/api/orchestration/publications', {
          params: { query: { channel_id: id, limit: 20, ...(upcoming ? { from } : {}), ...(pager.cursor ? { cursor: pager.cursor } : {}) } },
        }),
      ),
    [id, upcoming, pager.cursor],
  );
  const cancel = usePublicationCancel(() => void page.reload());
  return (
    <section aria-labelledby="channel-pubs">
      <h2 id="channel-pubs">Publications</h2>
      <div class="filters">
        <div class="field">
          <label for="channel-pubs-window">Show</label>
          <select id="channel-pubs-window" value={upcoming ? 'upcoming' : 'all'} onChange={(e) => setUpcoming(e.currentTarget.value === 'upcoming')}>
            <option value="upcoming">From the last hour on</option>
            <option value="all">All, earliest first</option>
          </select>
        </div>
        <a href={hashWith('#/publications', { channel_id: id })}>On the publications page</a>
      </div>
      <ErrorAlert error={page.error} />
      <ErrorAlert error={cancel.error} />
      {cancel.done && <p role="status" class="notice">{cancel.done}</p>}
      {page.data && <PublicationsTable items={page.data.items} label="Publications of the channel" onCancel={(p) => void cancel.cancel(p)} cancelling={cancel.cancelling} />}
      <Pager label="Channel publication pages" pageNumber={pager.pageNumber} hasPrevious={pager.hasPrevious} nextCursor={page.data?.next_cursor} onPrevious={pager.previous} onNext={pager.next} />
    </section>
  );
}

function ChannelRuns({ id }: { id: string }) {
  const pager = useCursorPager(id);
  const page = useAsync(
    () => call(api().GET('/api/orchestration/pipeline-runs', { params: { query: { channel_id: id, limit: 20, ...(pager.cursor ? { cursor: pager.cursor } : {}) } } })),
    [id, pager.cursor],
  );
  return (
    <section aria-labelledby="channel-runs">
      <h2 id="channel-runs">Pipeline runs</h2>
      <p>
        Newest first. <a href={hashWith('#/runs', { channel_id: id })}>On the pipeline runs page</a>
      </p>
      <ErrorAlert error={page.error} />
      {page.data && <RunsTable items={page.data.items} label="Pipeline runs of the channel" />}
      <Pager label="Channel run pages" pageNumber={pager.pageNumber} hasPrevious={pager.hasPrevious} nextCursor={page.data?.next_cursor} onPrevious={pager.previous} onNext={pager.next} />
    </section>
  );
}

/** One channel: its settings, health, statistics, publications and runs. */
export function ChannelDetailPage({ id }: { id: string }) {
  const channel = useAsync(() => call(api().GET('/api/orchestration/channels/{channel_id}', { params: { path: { channel_id: id } } })), [id]);
  const monitor = useAsync(() => call(api().GET('/api/orchestration/monitor-channels', { params: { query: { channel_id: id } } })), [id]);
  const [confirming, setConfirming] = useState(false);
  const [deleteError, setDeleteError] = useState<ApiError | undefined>(undefined);
  const c = channel.data;
  const m = monitor.data?.channels[0];

  const remove = async (force: boolean) => {
    setConfirming(false);
    try {
      await call(api().DELETE('/api/orchestration/channels/{channel_id}', { params: { path: { channel_id: id }, query: { force: force ? 'true' : 'false' } } }));
      navigate('#/channels');
    } catch (e) {
      setDeleteError(asApiError(e));
      void channel.reload();
    }
  };

  if (!c) {
    return (
      <>
        <PageHeading>{channel.error ? 'Channel not found' : id}</PageHeading>
        <ErrorAlert error={channel.error} />
        {!channel.error && <p>Loading the channel…</p>}
        <p>
          <a href="#/channels">Back to channels</a>
        </p>
      </>
    );
  }
  return (
    <>
      <PageHeading>{c.name}</PageHeading>
      <p>
        <a href="#/channels">Back to channels</a>
      </p>
      <div class="actions">
        <a class="button primary" href={channelHref(id, true)}>
          Edit channel
        </a>
        <button type="button" class="danger" onClick={() => setConfirming(true)}>
          Delete channel
        </button>
      </div>
      <ErrorAlert error={deleteError} />
      <ConfirmDialog open={confirming} title={`Delete ${c.name}?`} confirmLabel="Confirm delete" onCancel={() => setConfirming(false)} onConfirm={() => void remove(true)}>
        <p>Its publications that have not gone out are cancelled with it.</p>
      </ConfirmDialog>
      <div class="cards">
        <section class="card" aria-labelledby="settings-heading">
          <h2 id="settings-heading">Settings</h2>
          <dl class="facts">
            <dt>Channel ID</dt>
            <dd>
              <code>{c.channel_id}</code>
            </dd>
            <dt>Status</dt>
            <dd>
              <Badge value={c.status} />
            </dd>
            <dt>Priority</dt>
            <dd>{c.priority}</dd>
            <dt>Time zone</dt>
            <dd>{c.publishing.timezone}</dd>
            <dt>Slots</dt>
            <dd>{c.publishing.slots.join(', ') || 'none (any time)'}</dd>
            <dt>Minimum gap</dt>
            <dd>{c.publishing.min_gap_minutes} minutes</dd>
            <dt>Maximum per day</dt>
            <dd>{c.publishing.max_per_day ?? 'no limit'}</dd>
            <dt>GitHub</dt>
            <dd>{c.github ? `${c.github.owner}/${c.github.repo}, ${c.github.workflow} on ${c.github.ref}` : 'none (processing workers)'}</dd>
            <dt>Filters</dt>
            <dd>
              {c.filters
                ? [
                    c.filters.tags_any.length ? `tags any of ${c.filters.tags_any.join(', ')}` : '',
                    c.filters.tags_none.length ? `none of ${c.filters.tags_none.join(', ')}` : '',
                    c.filters.languages.length ? `languages ${c.filters.languages.join(', ')}` : '',
                    c.filters.categories.length ? `categories ${c.filters.categories.join(', ')}` : '',
                    c.filters.min_duration_seconds !== null ? `at least ${c.filters.min_duration_seconds} s` : '',
                    c.filters.max_duration_seconds !== null ? `at most ${c.filters.max_duration_seconds} s` : '',
                  ]
                    .filter(Boolean)
                    .join('; ') || 'any video'
                : 'none'}
            </dd>
            <dt>Updated</dt>
            <dd>
              {formatDateTime(c.updated_at)} (version {c.version})
            </dd>
          </dl>
          <h3>Config</h3>
          <pre>{JSON.stringify(c.config, null, 2)}</pre>
        </section>
        <section class="card" aria-labelledby="health-heading">
          <h2 id="health-heading">Health</h2>
          <ErrorAlert error={monitor.error} />
          {m ? (
            <>
              <p>
                <Badge value={m.health.status} /> {m.health.reason}
              </p>
              <dl class="facts">
                <dt>Repository</dt>
                <dd>{m.health.repository}</dd>
                <dt>Credentials</dt>
                <dd>{m.health.credentials}</dd>
                <dt>Workflow</dt>
                <dd>{m.health.workflow}</dd>
                <dt>Checked</dt>
                <dd>{formatDateTime(m.health.checked_at)}</dd>
                <dt>30 days</dt>
                <dd>
                  {formatNumber(m.statistics.succeeded)} succeeded, {formatNumber(m.statistics.failed)} failed ({formatPercent(m.statistics.success_rate)})
                </dd>
                <dt>Last publication</dt>
                <dd>{formatDateTime(m.last_publication_at)}</dd>
              </dl>
              {m.errors.length > 0 && (
                <>
                  <h3>Errors, last 24 hours</h3>
                  <ul>
                    {m.errors.map((e, i) => (
                      <li key={i}>
                        {formatDateTime(e.at)} · {e.source} · <code>{e.code}</code>: {e.message}
                      </li>
                    ))}
                  </ul>
                </>
              )}
            </>
          ) : (
            !monitor.error && <p>Loading health…</p>
          )}
        </section>
      </div>
      <ChannelPublications id={id} />
      <ChannelRuns id={id} />
      <p>
        <a href={hashWith('#/activity', { channel_id: id })}>Activity of this channel</a>
      </p>
    </>
  );
}
