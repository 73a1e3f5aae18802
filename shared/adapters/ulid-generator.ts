import { monotonicFactory } from 'ulidx';
import type { Clock } from '#shared/ports/clock';
import type { IdGenerator } from '#shared/ports/id-generator';

/** ULIDs stamped with the clock's time, strictly increasing within one process. */
export function ulidGenerator(clock: Clock): IdGenerator {
  const factory = monotonicFactory();
  return { next: () => factory(clock.now().getTime()) };
}
