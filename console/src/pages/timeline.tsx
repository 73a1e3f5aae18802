import { PageHeading } from '../components/page-heading';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { asApiError, call, type ApiError, type Schemas } from '../api';
import { Badge } from '../components/badges';
import { ErrorAlert } from '../components/error-alert';
import { formatDay, formatNumber, formatTime } from '../format';
import { channelHref } from '../router';
import { api } from '../session';
import { groupTimeline } from '../timeline';

type Publication = Schemas['Publication'];
const WINDOW_DAYS = 7;
/** Pages of 100 read before asking: 5,000 publications render at once without a stall. */
const PAGES_PER_READ = 50;
const CHANNELS_SHOWN = 50;

/** What goes out in the next 7 days, by channel then by day, read page by page from the publications endpoint. */
export function TimelinePage() {
  const [items, setItems] = useState<Publication[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const [shown, setShown] = useState(CHANNELS_SHOWN);
  const [channelFilter, setChannelFilter] = useState('');
  const window = useRef({ from: new Date().toISOString(), to: new Date(Date.now() + WINDOW_DAYS * 86_400_000).toISOString() });

  const read = async (start: string | null, fresh: boolean) => {
    setLoading(true);
    if (fresh) window.current = { from: new Date().toISOString(), to: new Date(Date.now() + WINDOW_DAYS * 86_400_000).toISOString() };
    const found: Publication[] = [];
    let next: string | null = start;
    try {
      for (let page = 0; page < PAGES_PER_READ; page++) {
        const answer = await call(
          api().GET('/api/orchestration/publications', { params: { query: { ...window.current, limit: 100, ...(next ? { cursor: next } : {}) } } }),
        );
        found.push(...answer.items);
        next = answer.next_cursor;
        if (!next) break;
      }
      setItems((before) => (fresh ? found : [...before, ...found]));
      setCursor(next);
      setError(undefined);
    } catch (e) {
      setError(asApiError(e));
    } finally {
      setLoading(false);
    }
  };

  useEffect(() => {
    void read(null, true);
  }, []);

  const groups = useMemo(() => groupTimeline(items), [items]);
  const filtered = useMemo(() => {
    const needle = channelFilter.trim().toLowerCase();
    return needle ? groups.filter((g) => g.channel_id.toLowerCase().includes(needle)) : groups;
  }, [groups, channelFilter]);
  const total = useMemo(() => groups.reduce((n, g) => n + g.total, 0), [groups]);

  return (
    <>
      <PageHeading>Timeline</PageHeading>
      <p>
        Publications from {formatDay(window.current.from)} {formatTime(window.current.from)} to {formatDay(window.current.to)} {formatTime(window.current.to)}, by channel
        (cancelled ones left out).
      </p>
      <div class="filters">
        <div class="field">
          <label for="timeline-channel">Channel ID contains</label>
          <input
            id="timeline-channel"
            value={channelFilter}
            onInput={(e) => {
              setChannelFilter(e.currentTarget.value);
              setShown(CHANNELS_SHOWN);
            }}
          />
        </div>
        <button type="button" disabled={loading} onClick={() => void read(null, true)}>
          Refresh
        </button>
      </div>
      <ErrorAlert error={error} />
      <div data-testid="timeline" aria-busy={loading ? 'true' : 'false'}>
        <p aria-live="polite">
          {loading ? 'Loading publications…' : `${formatNumber(total)} publication${total === 1 ? '' : 's'} on ${formatNumber(groups.length)} channel${groups.length === 1 ? '' : 's'}.`}
        </p>
        {!loading && groups.length === 0 && !error && <p>Nothing is scheduled in the next 7 days.</p>}
        {filtered.slice(0, shown).map((g) => (
          <section class="timeline-channel" key={g.channel_id} aria-labelledby={`tl-${g.channel_id}`}>
            <h2 id={`tl-${g.channel_id}`}>
              <a href={channelHref(g.channel_id)}>{g.channel_id}</a> <span class="muted">({formatNumber(g.total)})</span>
            </h2>
            {g.days.map((d) => (
              <div class="timeline-day" key={d.day}>
                <h3 class="day">{formatDay(d.items[0]!.scheduled_at)}</h3>
                <ul>
                  {d.items.map((p) => (
                    <li key={p.publication_id}>
                      <time dateTime={p.scheduled_at}>{formatTime(p.scheduled_at)}</time> <code>{p.video_id}</code> {p.status !== 'scheduled' && <Badge value={p.status} />}
                    </li>
                  ))}
                </ul>
              </div>
            ))}
          </section>
        ))}
      </div>
      <div class="actions">
        {shown < filtered.length && (
          <button type="button" onClick={() => setShown(shown + CHANNELS_SHOWN)}>
            Show more channels ({formatNumber(filtered.length - shown)} more)
          </button>
        )}
        {cursor && (
          <button type="button" disabled={loading} onClick={() => void read(cursor, false)}>
            Load more publications
          </button>
        )}
      </div>
    </>
  );
}
