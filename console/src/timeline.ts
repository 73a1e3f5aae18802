/** The timeline's grouping: publications of the coming days by channel, then by day. Pure, O(n log n). */
export interface TimelineItem {
  publication_id: string;
  channel_id: string;
  video_id: string;
  scheduled_at: string;
  status: string;
}

export interface TimelineDay<T extends TimelineItem> {
  /** The day's key: yyyy-mm-dd in the zone `dayOf` uses. */
  day: string;
  items: T[];
}

export interface TimelineChannel<T extends TimelineItem> {
  channel_id: string;
  total: number;
  days: TimelineDay<T>[];
}

/** The local calendar day of an instant, yyyy-mm-dd (the browser's zone). */
export function localDay(iso: string): string {
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/**
 * Groups by channel (channels in id order), each channel's publications by
 * day in time order. Cancelled publications are left out: they go nowhere.
 */
export function groupTimeline<T extends TimelineItem>(items: readonly T[], dayOf: (iso: string) => string = localDay): TimelineChannel<T>[] {
  // Each time parsed once, not per comparison.
  const byChannel = new Map<string, { at: number; item: T }[]>();
  for (const item of items) {
    if (item.status === 'cancelled') continue;
    let list = byChannel.get(item.channel_id);
    if (!list) byChannel.set(item.channel_id, (list = []));
    list.push({ at: Date.parse(item.scheduled_at), item });
  }
  return [...byChannel.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([channel_id, list]) => {
      list.sort((a, b) => a.at - b.at || (a.item.publication_id < b.item.publication_id ? -1 : 1));
      const days: TimelineDay<T>[] = [];
      for (const { item } of list) {
        const day = dayOf(item.scheduled_at);
        const last = days[days.length - 1];
        if (last && last.day === day) last.items.push(item);
        else days.push({ day, items: [item] });
      }
      return { channel_id, total: list.length, days };
    });
}
