import type { Video, VideoStatus } from '#shared/domain/video';
import type { Page, PageRequest } from '#shared/domain/pagination';

export interface VideoRepository {
  /** Stores a new video; false when one with that id already exists. */
  create(video: Video): Promise<boolean>;
  get(videoId: string): Promise<Video | null>;
  getMany(videoIds: readonly string[]): Promise<Map<string, Video>>;
  /** Newest first. */
  list(request: PageRequest & { status?: VideoStatus | undefined }): Promise<Page<Video>>;
}
