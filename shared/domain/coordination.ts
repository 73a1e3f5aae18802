/** Vocabulary of coordinated publication (SPEC "Coordination"). */
export const TIMINGS = ['simultaneous', 'staggered', 'independent'] as const;
export type Timing = (typeof TIMINGS)[number];

export const CONFLICT_POLICIES = ['shift', 'reject', 'preempt'] as const;
export type ConflictPolicy = (typeof CONFLICT_POLICIES)[number];

export const STAGGER_BY = ['video', 'channel'] as const;
export type StaggerBy = (typeof STAGGER_BY)[number];
