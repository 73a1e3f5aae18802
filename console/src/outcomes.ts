/** Publications that reached succeeded or failed, counted by UTC day: the status board's 30-day chart. Pure. */
export interface FinishedPublication {
  status: string;
  /** When it finished (updated_at), ISO. */
  updated_at: string;
}

export interface DailyOutcomes {
  /** Day starts (UTC), seconds since the epoch. */
  days: number[];
  succeeded: number[];
  failed: number[];
}

const DAY_MS = 86_400_000;

/** `days` UTC days ending with the day of `now`, each with its succeeded and failed counts. O(n). */
export function dailyOutcomes(items: readonly FinishedPublication[], now: Date, days = 30): DailyOutcomes {
  const today = Math.floor(now.getTime() / DAY_MS);
  const first = today - days + 1;
  const succeeded = new Array<number>(days).fill(0);
  const failed = new Array<number>(days).fill(0);
  for (const item of items) {
    const at = Date.parse(item.updated_at);
    if (Number.isNaN(at)) continue;
    const index = Math.floor(at / DAY_MS) - first;
    if (index < 0 || index >= days) continue;
    if (item.status === 'succeeded') succeeded[index]! += 1;
    else if (item.status === 'failed') failed[index]! += 1;
  }
  return { days: Array.from({ length: days }, (_, i) => ((first + i) * DAY_MS) / 1000), succeeded, failed };
}
