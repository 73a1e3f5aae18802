/**
 * Every instant the planner computes is a whole second: schedules fire at
 * second precision and stored times compare exactly.
 */

/** Rounds an epoch-millisecond instant up to the next whole second (a whole second stays as it is). */
export function ceilToWholeSecond(instant: number): number {
  return Math.ceil(instant / 1000) * 1000;
}
