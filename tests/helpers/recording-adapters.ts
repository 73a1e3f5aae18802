import type { ProcessingJob, ProcessingQueue } from '#shared/ports/processing-queue';
import type { SlotSchedule, SlotScheduler } from '#shared/ports/slot-scheduler';
import type { PipelineTrigger, QueueDepth, SendOptions, TriggerQueue } from '#shared/ports/trigger-queue';

/** A SlotScheduler that remembers the schedules it holds, like Scheduler would (names unique). */
export class RecordingSlotScheduler implements SlotScheduler {
  readonly schedules = new Map<string, SlotSchedule>();
  readonly ensureCalls: SlotSchedule[][] = [];
  created = 0;
  /** Slots to answer as too late, as Scheduler refuses a time that passed while the request was writing. */
  tooLate: (slot: SlotSchedule) => boolean = () => false;

  async ensure(slots: readonly SlotSchedule[]) {
    this.ensureCalls.push([...slots]);
    const late = slots.filter((slot) => this.tooLate(slot));
    let created = 0;
    for (const slot of slots.filter((s) => !late.includes(s))) {
      if (!this.schedules.has(slot.slot_id)) {
        this.schedules.set(slot.slot_id, slot);
        created++;
      }
    }
    this.created += created;
    return { created, existing: slots.length - late.length - created, tooLate: late };
  }

  async remove(slotIds: readonly string[]) {
    return slotIds.filter((id) => this.schedules.delete(id)).length;
  }
}

/** A TriggerQueue that keeps what was sent, batch by batch, and each batch's delay. */
export class RecordingTriggerQueue implements TriggerQueue {
  readonly sends: PipelineTrigger[][] = [];
  /** The delay (seconds) of each of `sends`. */
  readonly delays: number[] = [];

  get triggers(): PipelineTrigger[] {
    return this.sends.flat();
  }

  async send(triggers: readonly PipelineTrigger[], options?: SendOptions) {
    if (triggers.length === 0) return;
    this.sends.push([...triggers]);
    this.delays.push(options?.delaySeconds ?? 0);
  }

  async depth(): Promise<QueueDepth> {
    return { pending: this.triggers.length, in_flight: 0, dead_letter: 0 };
  }
}

/** The processing queue, recording the jobs handed over. */
export class RecordingProcessingQueue implements ProcessingQueue {
  readonly jobs: ProcessingJob[] = [];

  async send(job: ProcessingJob): Promise<void> {
    this.jobs.push(job);
  }
}
