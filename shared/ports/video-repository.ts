import type { Video, VideoStatus } from '#shared/domain/video';
import type { Page, PageRequest } from '#shared/domain/pagination';

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
  /** Newest first. */
  list(request: PageRequest & { status?: VideoStatus | undefined }): Promise<Page<Video>>;
}
