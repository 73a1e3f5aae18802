import { PageHeading } from '../components/page-heading';
import { useMemo, useState } from 'preact/hooks';
import { call, type Schemas } from '../api';
import { Badge } from '../components/badges';
import { useCursorPager } from '../components/cursor-pager';
import { ErrorAlert } from '../components/error-alert';
import { Pager } from '../components/pager';
import { TableWrap } from '../components/table-wrap';
import { useAsync } from '../components/use-async';
import { formatDateTime, formatNumber, formatPercent } from '../format';
import { channelHref } from '../router';
import { api } from '../session';

type Status = Schemas['Channel']['status'];

/** Channels a page at a time (the API's cursors), each with its health and 30-day statistics. */
export function ChannelsPage() {
  const [status, setStatus] = useState<'' | Status>('');
  const pager = useCursorPager(status);
  const page = useAsync(
    () => call(api().GET('/api/orchestration/channels', { params: { query: { limit: 50, ...(status ? { status } : {}), ...(pager.cursor ? { cursor: pager.cursor } : {}) } } })),
    [status, pager.cursor],
  );
  // Health is one read for every channel; looked up by id, not searched per row.
  const monitor = useAsync(() => call(api().GET('/api/orchestration/monitor-channels')), []);
  const health = useMemo(() => new Map((monitor.data?.channels ?? []).map((c) => [c.channel_id, c])), [monitor.data]);
  return (
    <>
      <PageHeading>Channels</PageHeading>
      <div class="actions">
        <a class="button primary" href="#/channels/new">
          New channel
        </a>
      </div>
      <div class="filters">
        <div class="field">
          <label for="channel-status-filter">Status</label>
          <select id="channel-status-filter" value={status} onChange={(e) => setStatus(e.currentTarget.value as '' | Status)}>
            <option value="">All</option>
            <option value="active">Active</option>
            <option value="paused">Paused</option>
            <option value="inactive">Inactive</option>
          </select>
        </div>
      </div>
      <ErrorAlert error={page.error} />
      <ErrorAlert error={monitor.error} />
      {page.loading && !page.data ? (
        <p>Loading channels…</p>
      ) : page.data && page.data.items.length === 0 ? (
        <p>
          No channels yet. <a href="#/channels/new">Create one</a>.
        </p>
      ) : (
        page.data && (
          <TableWrap label="Channels">
            <table>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Channel ID</th>
                  <th scope="col">Status</th>
                  <th scope="col" class="num">Priority</th>
                  <th scope="col">Health</th>
                  <th scope="col" class="num">Succeeded (30 d)</th>
                  <th scope="col" class="num">Failed (30 d)</th>
                  <th scope="col" class="num">Success rate</th>
                  <th scope="col">Last publication</th>
                </tr>
              </thead>
              <tbody>
                {page.data.items.map((c) => {
                  const h = health.get(c.channel_id);
                  return (
                    <tr key={c.channel_id}>
                      <td>
                        <a href={channelHref(c.channel_id)}>{c.name}</a>
                      </td>
                      <td>
                        <code>{c.channel_id}</code>
                      </td>
                      <td>
                        <Badge value={c.status} />
                      </td>
                      <td class="num">{c.priority}</td>
                      <td>{h ? <Badge value={h.health.status} /> : monitor.data ? '—' : 'reading…'}</td>
                      <td class="num">{formatNumber(h?.statistics.succeeded)}</td>
                      <td class="num">{formatNumber(h?.statistics.failed)}</td>
                      <td class="num">{formatPercent(h?.statistics.success_rate)}</td>
                      <td>{formatDateTime(h?.last_publication_at)}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </TableWrap>
        )
      )}
      <Pager label="Channel pages" pageNumber={pager.pageNumber} hasPrevious={pager.hasPrevious} nextCursor={page.data?.next_cursor} onPrevious={pager.previous} onNext={pager.next} />
    </>
  );
}
