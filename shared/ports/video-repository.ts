import type { Video, VideoStatus } from '#shared/domain/video';
import type { Page, PageRequest } from '#shared/domain/pagination';

/** An available video as distribution reads it: with the claim another distribution may hold on it. */
export interface DistributableVideo extends Video {
  /** When the distribution claim on it ends (ISO), or null when none was ever taken. */
  claimed_until: string | null;
}

export interface DistributionClaim {
  /** The distribution (its request) taking the claim. */
  owner: string;
  /** ISO instants: the claim's end, and now (an earlier claim ended before it may be taken over). */
  until: string;
  now: string;
}

export interface VideoRepository {
  /** Stores a new video; false when one with that id already exists. */
  create(video: Video): Promise<boolean>;
  get(videoId: string): Promise<Video | null>;
  getMany(videoIds: readonly string[]): Promise<Map<string, Video>>;
  /**
   * Counts `count` more pending publications for the video and, if it was
   * `available`, makes it `assigned`.
   */
  addPending(videoId: string, count: number, at: string): Promise<void>;
  /**
   * Counts `count` fewer pending publications; a video left with none that
   * is still `assigned` becomes `available` again.
   */
  removePending(videoId: string, count: number, at: string): Promise<void>;
  /**
   * One page of the `available` videos, oldest first (through the status
   * index, never a scan), each with the end of the distribution claim it
   * carries, if any.
   */
  listAvailable(limit: number, cursor?: string): Promise<Page<DistributableVideo>>;
  /**
   * Claims an `available` video for one distribution until `claim.until`:
   * false when it is no longer available or another distribution's claim
   * has not expired at `claim.now`. The conditional write is what keeps
   * concurrent distributions from giving one video twice.
   */
  claimForDistribution(videoId: string, claim: DistributionClaim): Promise<boolean>;
  /** Lifts the claim, if it is still this owner's. */
  releaseDistributionClaim(videoId: string, owner: string): Promise<void>;
  /** Newest first. */
  list(request: PageRequest & { status?: VideoStatus | undefined }): Promise<Page<Video>>;
}
