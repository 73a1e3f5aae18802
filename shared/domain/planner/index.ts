/**
 * The publication planner (SPEC "Coordination"): pure functions that turn a
 * coordination or wave into times per channel.
 *
 * 1. `requestedTimes`: when each (video, channel) pair asks to go out.
 * 2. `placeOnChannel`: per channel, where each actually goes among the
 *    channel's bookings, under its gap, daily cap and conflict policy.
 *
 * Before step 1 and after it, `baseTimeOf` and `checkRequestedTimes` keep
 * what a request asks for within 366 days (booking-window.ts).
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
export {
  baseTimeOf,
  checkRequestedTimes,
  latestRequestableTime,
  LAST_NAMEABLE_INSTANT,
  MAX_AHEAD_MS,
  MAX_DAYS_AHEAD,
  PAST_TOLERANCE_MS,
  type BookingWindow,
} from '#shared/domain/planner/booking-window';
