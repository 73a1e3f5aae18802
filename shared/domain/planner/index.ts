/**
 * The publication planner (SPEC "Coordination"): pure functions that turn a
 * coordination or wave into times per channel.
 *
 * 1. `requestedTimes`: when each (video, channel) pair asks to go out.
 * 2. `placeOnChannel`: per channel, where each actually goes among the
 *    channel's bookings, under its gap, daily cap and conflict policy.
 */
export type { Booking, PlanChannel } from '#shared/domain/planner/plan-channel';
export {
  channelsInPriorityOrder,
  requestedTimes,
  type RequestedPublication,
  type TimingRequest,
} from '#shared/domain/planner/requested-times';
export {
  DEFAULT_HORIZON_MS,
  placeOnChannel,
  type ChannelPlan,
  type ChannelPlanInput,
  type ChannelRequest,
  type ConflictReason,
  type ConflictResolution,
  type Move,
  type PlanConflict,
  type Placement,
} from '#shared/domain/planner/place-on-channel';
export {
  instantOfLocalTime,
  localDayOf,
  localDayOfDate,
  startOfLocalDay,
  type LocalDay,
} from '#shared/domain/planner/local-time';
export { ceilToWholeSecond } from '#shared/domain/planner/whole-seconds';
