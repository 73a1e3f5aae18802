import { instantOfLocalTime, type LocalDay } from '#shared/domain/planner/local-time';

const SLOT_PATTERN = /^([01]\d|2[0-3]):([0-5]\d)$/;

/**
 * Seconds after local midnight of a publishing slot ("HH:MM", 00:00-23:59).
 * @throws RangeError for anything else (the channel schema validates slots, so that is a programming error).
 */
export function slotSecondOfDay(slot: string): number {
  const match = SLOT_PATTERN.exec(slot);
  if (!match) throw new RangeError(`publishing slot '${slot}' is not HH:MM`);
  return Number(match[1]) * 3600 + Number(match[2]) * 60;
}

/**
 * The instants of a channel's slots on one local day, earliest first, without repeats.
 *
 * Sorted by instant rather than by wall time because a DST gap can reorder
 * them: in Europe/Paris on 2026-03-29, 02:30 (skipped, so 03:30 CEST) falls
 * after 03:00. Two slots can also land on the same instant (02:00 and 03:00
 * that day), and a slot must not be offered twice.
 */
export function slotInstantsOn(timeZone: string, day: LocalDay, slotSeconds: readonly number[]): number[] {
  const instants = slotSeconds.map((second) => instantOfLocalTime(timeZone, day, second)).sort((a, b) => a - b);
  return instants.filter((instant, index) => index === 0 || instant !== instants[index - 1]);
}
