import { PageHeading } from '../components/page-heading';
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { asApiError, call, type ApiError, type Schemas } from '../api';
import { Badge } from '../components/badges';
import { OutcomesChart } from '../components/chart';
import { ConfirmDialog } from '../components/confirm-dialog';
import { ErrorAlert } from '../components/error-alert';
import { TableWrap } from '../components/table-wrap';
import { useAsync } from '../components/use-async';
import { formatDateTime, formatNumber, formatPercent } from '../format';
import { dailyOutcomes } from '../outcomes';
import { channelHref } from '../router';
import { api } from '../session';
import { ActivityList } from './activity';

type Control = 'start' | 'stop' | 'pause' | 'resume';
type SystemState = Schemas['ControlResult']['status'];
const PAGE = 50;
/** How often the board re-reads the dashboard, and the (heavier) channel health, while the tab is visible. */
const DASHBOARD_EVERY_MS = 15_000;
const HEALTH_EVERY_MS = 60_000;

/** Calls `tick` every `ms` while the page is visible; stops with the page. */
function useEvery(ms: number, tick: () => void): void {
  useEffect(() => {
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') tick();
    }, ms);
    return () => clearInterval(timer);
  }, [ms]);
}
/** The chart reads at most this many finished publications of each outcome (100 a page). */
const CHART_PAGES = 10;

const HEALTH_ORDER: Record<Schemas['ChannelHealth']['status'], number> = { unhealthy: 0, degraded: 1, unknown: 2, healthy: 3 };

const QUEUE_LABELS: Record<string, string> = {
  trigger_high: 'Triggers (high priority)',
  trigger_normal: 'Triggers (normal)',
  trigger_dead_letter: 'Triggers, dead letters',
  processing: 'Processing',
  processing_dead_letter: 'Processing, dead letters',
  slot_dead_letter: 'Slots, dead letters',
};

async function finishedSince(status: 'succeeded' | 'failed', from: string) {
  const items: Schemas['Publication'][] = [];
  let cursor: string | undefined;
  for (let page = 0; page < CHART_PAGES; page++) {
    const answer = await call(api().GET('/api/orchestration/publications', { params: { query: { status, from, limit: 100, ...(cursor ? { cursor } : {}) } } }));
    items.push(...answer.items);
    if (!answer.next_cursor) return { items, complete: true };
    cursor = answer.next_cursor;
  }
  return { items, complete: false };
}

function SystemControls({ state, onDone }: { state: SystemState | undefined; onDone: (result: Schemas['ControlResult'] | undefined, error: ApiError | undefined) => void }) {
  const [busy, setBusy] = useState<Control | undefined>(undefined);
  const [confirming, setConfirming] = useState(false);
  const run = async (action: Control) => {
    setBusy(action);
    try {
      const result = await call(api().POST(`/api/orchestration/${action}`));
      onDone(result, undefined);
    } catch (error) {
      onDone(undefined, asApiError(error));
    } finally {
      setBusy(undefined);
    }
  };
  const button = (action: Control, label: string, suggested: boolean) => (
    <button type="button" class={suggested ? 'primary' : ''} disabled={busy !== undefined} onClick={() => (action === 'stop' ? setConfirming(true) : void run(action))}>
      {label}
    </button>
  );
  return (
    <div class="actions" role="group" aria-label="System control">
      {button('start', 'Start', state === 'stopped')}
      {button('pause', 'Pause', state === 'running')}
      {button('resume', 'Resume', state === 'paused')}
      {button('stop', 'Stop', false)}
      {busy && <span aria-live="polite">Sending {busy}…</span>}
      <ConfirmDialog
        open={confirming}
        title="Stop the orchestration?"
        confirmLabel="Confirm stop"
        onCancel={() => setConfirming(false)}
        onConfirm={() => {
          setConfirming(false);
          void run('stop');
        }}
      >
        <p>Coordination calls will be refused and slots that fire will be held until the system is started again.</p>
      </ConfirmDialog>
    </div>
  );
}

function QueueTable({ queues }: { queues: Schemas['Dashboard']['system']['queue']['queues'] }) {
  return (
    <TableWrap label="Queue depths">
      <table>
        <thead>
          <tr>
            <th scope="col">Queue</th>
            <th scope="col" class="num">Waiting</th>
            <th scope="col" class="num">In flight</th>
            <th scope="col" class="num">Delayed</th>
            <th scope="col" class="num">Oldest (s)</th>
          </tr>
        </thead>
        <tbody>
          {Object.entries(queues).map(([name, reading]) => (
            <tr key={name}>
              <th scope="row">{QUEUE_LABELS[name] ?? name}</th>
              {reading.depth ? (
                <>
                  <td class="num">{formatNumber(reading.depth.visible)}</td>
                  <td class="num">{formatNumber(reading.depth.in_flight)}</td>
                  <td class="num">{formatNumber(reading.depth.delayed)}</td>
                  <td class="num">{formatNumber(reading.depth.oldest_age_seconds)}</td>
                </>
              ) : (
                <td colSpan={4}>unreadable: {reading.error ?? 'unknown'}</td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

type MonitoredChannel = Schemas['MonitoredChannel'];
/** The first page is small so the board draws at once; the rest follow, 100 a page (the API's most). */
const FIRST_HEALTH_PAGE = 50;
const NEXT_HEALTH_PAGE = 100;

interface ChannelHealthState {
  channels: MonitoredChannel[] | undefined;
  checkedAt: string | null;
  /** Every page read (false while the later pages of the first load are still coming). */
  complete: boolean;
  error: ApiError | undefined;
  loading: boolean;
  reload: (refresh?: boolean) => Promise<void>;
}

/**
 * Every channel's health, page by page (GET /monitor-channels?limit=&cursor=):
 * the first 50 are shown as soon as they arrive and the others are added as
 * their pages come, so 1,000 channels do not hold the board back. A reload
 * keeps the list it has until the new one is whole; a failed page keeps it
 * too and says why. An answer of an older load is dropped.
 */
function useChannelHealth(): ChannelHealthState {
  const [channels, setChannels] = useState<MonitoredChannel[] | undefined>(undefined);
  const [checkedAt, setCheckedAt] = useState<string | null>(null);
  const [complete, setComplete] = useState(false);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const [loading, setLoading] = useState(true);
  const generation = useRef(0);
  const shown = useRef(false);
  const reload = useCallback(async (refresh = false) => {
    const mine = ++generation.current;
    setLoading(true);
    const collected: MonitoredChannel[] = [];
    let cursor: string | undefined;
    try {
      do {
        const answer = await call(
          api().GET('/api/orchestration/monitor-channels', {
            params: { query: { limit: collected.length === 0 ? FIRST_HEALTH_PAGE : NEXT_HEALTH_PAGE, ...(cursor ? { cursor } : {}), ...(refresh ? { refresh: 'true' } : {}) } },
          }),
        );
        if (mine !== generation.current) return;
        collected.push(...answer.channels);
        cursor = answer.next_cursor ?? undefined;
        if (!shown.current || !cursor) {
          // The first load grows page by page; a reload replaces the list once whole.
          setChannels([...collected]);
          setCheckedAt(answer.checked_at);
          setComplete(!cursor);
        }
      } while (cursor);
      shown.current = true;
      setError(undefined);
    } catch (e) {
      if (mine === generation.current) setError(asApiError(e));
    } finally {
      if (mine === generation.current) setLoading(false);
    }
  }, []);
  useEffect(() => {
    void reload();
  }, []);
  return { channels, checkedAt, complete, error, loading, reload };
}

function ChannelHealthList() {
  // refresh=true checks every repository on GitHub now: only on request, never on the timer.
  const monitor = useChannelHealth();
  useEvery(HEALTH_EVERY_MS, () => void monitor.reload());
  const [shown, setShown] = useState(PAGE);
  const [health, setHealth] = useState<'' | Schemas['ChannelHealth']['status']>('');
  // Sorted once per answer (worst first), filtered once per choice: O(n log n), not per row.
  const sorted = useMemo(
    () =>
      [...(monitor.channels ?? [])].sort(
        (a, b) => HEALTH_ORDER[a.health.status] - HEALTH_ORDER[b.health.status] || (a.channel_id < b.channel_id ? -1 : 1),
      ),
    [monitor.channels],
  );
  const filtered = useMemo(() => (health ? sorted.filter((c) => c.health.status === health) : sorted), [sorted, health]);
  const counts = useMemo(() => {
    const c: Record<string, number> = {};
    for (const ch of sorted) c[ch.health.status] = (c[ch.health.status] ?? 0) + 1;
    return c;
  }, [sorted]);
  return (
    <section aria-labelledby="health-heading">
      <h2 id="health-heading">Channels by health</h2>
      <ErrorAlert error={monitor.error} />
      {monitor.loading && !monitor.channels && <p>Loading channel health…</p>}
      {monitor.channels && (
        <>
          <p class="muted">
            {monitor.complete ? '' : `Read ${formatNumber(monitor.channels.length)} channels so far, reading the rest… `}
            {monitor.checkedAt ? `Checked ${formatDateTime(monitor.checkedAt)}.` : 'Not checked yet: the health sweep has not run (Check health now checks every channel).'}{' '}
            {formatNumber(counts.unhealthy ?? 0)} unhealthy, {formatNumber(counts.degraded ?? 0)} degraded,{' '}
            {formatNumber(counts.unknown ?? 0)} unknown, {formatNumber(counts.healthy ?? 0)} healthy.
          </p>
          <div class="filters">
            <button
              type="button"
              disabled={monitor.loading}
              onClick={() => void monitor.reload(true)}
            >
              Check health now
            </button>
            <div class="field">
              <label for="health-filter">Health</label>
              <select
                id="health-filter"
                value={health}
                onChange={(e) => {
                  setHealth(e.currentTarget.value as typeof health);
                  setShown(PAGE);
                }}
              >
                <option value="">All</option>
                <option value="unhealthy">Unhealthy</option>
                <option value="degraded">Degraded</option>
                <option value="unknown">Unknown</option>
                <option value="healthy">Healthy</option>
              </select>
            </div>
          </div>
          {filtered.length === 0 ? (
            <p>No channels{health ? ` with health ${health}` : ''}.</p>
          ) : (
            <ul class="plain-list health-list">
              {filtered.slice(0, shown).map((c) => (
                <li key={c.channel_id}>
                  <div>
                    <a href={channelHref(c.channel_id)}>{c.name}</a> <span class="muted">({c.channel_id})</span> <Badge value={c.health.status} /> <Badge value={c.status} />
                  </div>
                  <div class="muted">
                    {c.health.reason} · 30 days: {formatNumber(c.statistics.succeeded)} succeeded, {formatNumber(c.statistics.failed)} failed
                  </div>
                  {c.errors.length > 0 && (
                    <ul>
                      {c.errors.map((e, i) => (
                        <li key={i}>
                          {formatDateTime(e.at)} · {e.source} · <code>{e.code}</code>: {e.message}
                        </li>
                      ))}
                    </ul>
                  )}
                </li>
              ))}
            </ul>
          )}
          <div class="actions">
            <span>
              Showing {formatNumber(Math.min(shown, filtered.length))} of {formatNumber(filtered.length)}
            </span>
            {shown < filtered.length && (
              <button type="button" onClick={() => setShown(shown + PAGE)}>
                Show more channels
              </button>
            )}
          </div>
        </>
      )}
    </section>
  );
}

function Outcomes({ overall }: { overall: Schemas['Dashboard']['statistics']['overall'] }) {
  const chart = useAsync(async () => {
    const from = new Date(Date.now() - 30 * 86_400_000).toISOString();
    const [succeeded, failed] = await Promise.all([finishedSince('succeeded', from), finishedSince('failed', from)]);
    return { series: dailyOutcomes([...succeeded.items, ...failed.items], new Date()), complete: succeeded.complete && failed.complete };
  }, []);
  return (
    <section aria-labelledby="outcomes-heading">
      <h2 id="outcomes-heading">Outcomes, last 30 days</h2>
      <p>
        {formatNumber(overall.total)} finished: {formatNumber(overall.succeeded)} succeeded, {formatNumber(overall.failed)} failed (success rate{' '}
        {formatPercent(overall.success_rate)}), {overall.from} to {overall.to}.
      </p>
      <ErrorAlert error={chart.error} />
      {chart.data && (
        <>
          <OutcomesChart series={chart.data.series} label={`Publications succeeded and failed per day, ${overall.from} to ${overall.to}`} />
          {!chart.data.complete && <p class="muted">The chart counts the latest {formatNumber(CHART_PAGES * 100)} publications of each outcome.</p>}
        </>
      )}
    </section>
  );
}

export function StatusPage() {
  const dashboard = useAsync(() => call(api().GET('/api/orchestration/dashboard')), []);
  const held = useAsync(async () => {
    const [publications, runs] = await Promise.all([
      call(api().GET('/api/orchestration/publications', { params: { query: { status: 'held', limit: 10 } } })),
      call(api().GET('/api/orchestration/pipeline-runs', { params: { query: { status: 'held', limit: 100 } } })),
    ]);
    return { publications, runs };
  }, []);
  useEvery(DASHBOARD_EVERY_MS, () => {
    void dashboard.reload();
    void held.reload();
  });
  const [controlError, setControlError] = useState<ApiError | undefined>(undefined);
  const [lastControl, setLastControl] = useState<Schemas['ControlResult'] | undefined>(undefined);
  const d = dashboard.data;
  const state = d?.system.status.status;
  return (
    <>
      <PageHeading>Status board</PageHeading>
      <div class="actions">
        <button type="button" onClick={() => void Promise.all([dashboard.reload(), held.reload()])} disabled={dashboard.loading}>
          Refresh
        </button>
        {d && <span class="muted">As of {formatDateTime(d.generated_at)}; updates every 15 seconds.</span>}
      </div>
      <ErrorAlert error={dashboard.error} />
      <section aria-labelledby="system-heading" class="card">
        <h2 id="system-heading">System</h2>
        <p>
          State:{' '}
          <span class="state" data-testid="system-state">
            {state ?? 'loading'}
          </span>
          {d?.system.status.since && <span class="muted"> since {formatDateTime(d.system.status.since)}</span>}
        </p>
        {d && (
          <p>
            Health: <Badge value={d.system.health.status} />
          </p>
        )}
        {d && d.system.health.reasons.length > 0 && (
          <ul>
            {d.system.health.reasons.map((r) => (
              <li key={r.code}>
                <code>{r.code}</code>: {r.message}
              </li>
            ))}
          </ul>
        )}
        <SystemControls
          state={state}
          onDone={(result, error) => {
            setControlError(error);
            setLastControl(result);
            // Whatever the answer, read the state back: the board never shows a state the API did not confirm.
            void dashboard.reload();
            void held.reload();
          }}
        />
        <ErrorAlert error={controlError} />
        {lastControl && (
          <p role="status">
            {lastControl.changed ? `Moved from ${lastControl.previous} to ${lastControl.status}.` : `Already ${lastControl.status}: nothing changed.`}
          </p>
        )}
      </section>
      {d && (
        <>
          <div class="cards">
            <section class="card" data-testid="held-work" aria-labelledby="held-heading">
              <h2 id="held-heading">Held work</h2>
              <p class="big">{formatNumber(d.system.status.held_publications)}</p>
              <p>publications held while paused or stopped; start or resume releases them in order.</p>
              <ErrorAlert error={held.error} />
              {held.data && (
                <p>
                  {formatNumber(held.data.runs.items.length)}
                  {held.data.runs.next_cursor ? '+' : ''} pipeline run{held.data.runs.items.length === 1 ? '' : 's'} held (<a href="#/runs?status=held">held runs</a>).
                </p>
              )}
              {held.data && held.data.publications.items.length > 0 && (
                <ul>
                  {held.data.publications.items.map((p) => (
                    <li key={p.publication_id}>
                      {p.channel_id} · {p.video_id} · {formatDateTime(p.scheduled_at)}
                    </li>
                  ))}
                </ul>
              )}
              <p>
                <a href="#/publications?status=held">Every held publication</a>
              </p>
            </section>
            <section class="card" aria-labelledby="channels-heading">
              <h2 id="channels-heading">Channels</h2>
              <p class="big">{formatNumber(d.channels.total)}</p>
              <p>
                {formatNumber(d.channels.active)} active, {formatNumber(d.channels.paused)} paused, {formatNumber(d.channels.inactive)} inactive;{' '}
                {formatNumber(d.channels.error)} unhealthy.
              </p>
            </section>
            <section class="card" aria-labelledby="schedules-heading">
              <h2 id="schedules-heading">Next 7 days</h2>
              <p class="big">{formatNumber(d.schedules.pending)}</p>
              <p>
                publications scheduled; {formatNumber(d.schedules.overdue)} overdue. <a href="#/timeline">Timeline</a>
              </p>
              {d.schedules.next.length > 0 && (
                <ul>
                  {d.schedules.next.slice(0, 5).map((p) => (
                    <li key={p.publication_id}>
                      {formatDateTime(p.scheduled_at)} · {p.channel_id} · {p.video_id}
                    </li>
                  ))}
                </ul>
              )}
            </section>
            <section class="card" aria-labelledby="queue-heading">
              <h2 id="queue-heading">Triggers</h2>
              <p class="big">{formatNumber(d.system.queue.pending)}</p>
              <p>
                waiting; {formatNumber(d.system.queue.in_flight)} in flight, {formatNumber(d.system.queue.dead_letter)} dead letters.
              </p>
            </section>
          </div>
          <section aria-labelledby="queues-heading">
            <h2 id="queues-heading">Queue depths</h2>
            <QueueTable queues={d.system.queue.queues} />
          </section>
          <Outcomes overall={d.statistics.overall} />
        </>
      )}
      {/* Read beside the dashboard: its first page is 50 channels, light enough not to delay the state and controls. */}
      <ChannelHealthList />
      {d && (
        <section aria-labelledby="recent-heading">
          <h2 id="recent-heading">Last activity</h2>
          <ActivityList items={d.recent_activity} />
          <p>
            <a href="#/activity">All activity</a>
          </p>
        </section>
      )}
    </>
  );
}
