import { useState } from 'preact/hooks';
import { asApiError, call, type ApiError } from '../api';
import { api } from '../session';
import { ErrorAlert } from './error-alert';

/** At most this many ids are read for a fill (a wave takes up to 10,000 publications). */
const MAX_IDS = 10_000;

/** Every active channel's id, page after page. */
export async function activeChannelIds(): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await call(api().GET('/api/orchestration/channels', { params: { query: { status: 'active', limit: 100, ...(cursor ? { cursor } : {}) } } }));
    ids.push(...page.items.map((c) => c.channel_id));
    cursor = page.next_cursor ?? undefined;
  } while (cursor && ids.length < MAX_IDS);
  return ids;
}

/** The ids of videos still available (not yet given to channels), oldest first as the API lists them. */
export async function availableVideoIds(max = MAX_IDS): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await call(api().GET('/api/orchestration/videos', { params: { query: { status: 'available', limit: 100, ...(cursor ? { cursor } : {}) } } }));
    ids.push(...page.items.map((v) => v.video_id));
    cursor = page.next_cursor ?? undefined;
  } while (cursor && ids.length < max);
  return ids.slice(0, max);
}

/** A button that fills an id list from the API (every active channel, every available video). */
export function FillIdsButton({ label, load, onFill }: { label: string; load: () => Promise<string[]>; onFill: (text: string) => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  return (
    <>
      <button
        type="button"
        class="link"
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          try {
            onFill((await load()).join(', '));
            setError(undefined);
          } catch (e) {
            setError(asApiError(e));
          } finally {
            setBusy(false);
          }
        }}
      >
        {busy ? 'Reading…' : label}
      </button>
      <ErrorAlert error={error} />
    </>
  );
}
