import type { SystemStatus as Status } from '#shared/domain/system-state';
import type { PublicationRepository } from '#shared/ports/publication-repository';
import type { SystemStateRepository } from '#shared/ports/system-state-repository';
import type { QueueDepth, TriggerQueue } from '#shared/ports/trigger-queue';

export interface StatusReport {
  status: Status;
  running: boolean;
  paused: boolean;
  since: string | null;
  held_publications: number;
  queue: QueueDepth;
}

/** GET /status: the state, the held work and the trigger queue's depth, read at once. */
export class SystemStatus {
  constructor(
    private readonly deps: { state: SystemStateRepository; publications: PublicationRepository; queue: TriggerQueue },
  ) {}

  async report(): Promise<StatusReport> {
    const [state, held, queue] = await Promise.all([
      this.deps.state.get(),
      this.deps.publications.countByStatus('held'),
      this.deps.queue.depth(),
    ]);
    return {
      status: state.status,
      running: state.status === 'running',
      paused: state.status === 'paused',
      since: state.since,
      held_publications: held,
      queue,
    };
  }
}
