import type { AppliedTransition, SystemState, SystemStatus } from '#shared/domain/system-state';

export interface TransitionWrite {
  /** The write applies only while the stored status is one of these (absent item counts as `stopped`). */
  expectedFrom: readonly SystemStatus[];
  to: SystemStatus;
  transition: AppliedTransition;
}

export interface SystemStateRepository {
  /** The current state, read consistently; the initial `stopped` state when none was ever written. */
  get(): Promise<SystemState>;
  /**
   * Applies a transition with a conditional write.
   * @returns the new state, or null when the stored status was not one of `expectedFrom`.
   */
  applyTransition(write: TransitionWrite): Promise<SystemState | null>;
}
