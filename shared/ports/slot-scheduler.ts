/**
 * One-time schedules that fire slots (SPEC: one schedule per distinct fire
 * time of a coordination or wave). EventBridge Scheduler in AWS; an
 * in-process timer under `npm start`.
 */
export interface SlotSchedule {
  /** Also the schedule's name: deterministic, so a retried request creates nothing twice. */
  slot_id: string;
  group_id: string;
  /** ISO 8601 instant, whole seconds, UTC. */
  fire_at: string;
}

/** The event a fired schedule delivers to the slot target (functions/scheduled/fire-slot.ts). */
export interface SlotFiredEvent {
  slot_id: string;
  group_id: string;
  fire_at: string;
}

export interface EnsureResult {
  created: number;
  existing: number;
  /**
   * Slots whose time passed before their schedule could be made (EventBridge
   * Scheduler refuses a one-time schedule in the past): the caller fires them itself.
   */
  tooLate: SlotSchedule[];
}

export interface SlotScheduler {
  /**
   * Makes sure each slot has its schedule. A schedule that already exists (a
   * retried request) is left as it is and counted in `existing`.
   */
  ensure(slots: readonly SlotSchedule[]): Promise<EnsureResult>;
  /** Deletes the slots' schedules; one already gone is not an error. Returns how many were deleted. */
  remove(slotIds: readonly string[]): Promise<number>;
}
