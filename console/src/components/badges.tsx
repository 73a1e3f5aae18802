type Tone = 'ok' | 'warn' | 'bad' | 'none';

const TONES: Record<string, Tone> = {
  healthy: 'ok', degraded: 'warn', unhealthy: 'bad', unknown: 'none',
  ok: 'ok', down: 'bad',
  running: 'ok', paused: 'warn', stopped: 'bad',
  active: 'ok', inactive: 'none',
  scheduled: 'none', held: 'warn', dispatching: 'warn', dispatched: 'ok', succeeded: 'ok', failed: 'bad', cancelled: 'none',
  queued: 'none', in_progress: 'warn', planned: 'none',
  shifted: 'warn', preempted: 'warn', rejected: 'bad',
};

/** A status word with a colour that says good / watch / bad; the word carries the meaning, the colour only helps. */
export function Badge({ value }: { value: string }) {
  return <span class={`badge tone-${TONES[value] ?? 'none'}`}>{value.replace(/_/g, ' ')}</span>;
}
