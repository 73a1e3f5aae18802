import { Conflict, NotFound } from '#shared/domain/errors';
import type { Page, PageRequest } from '#shared/domain/pagination';
import type { Video, VideoDefinition, VideoStatus } from '#shared/domain/video';
import type { Clock } from '#shared/ports/clock';
import type { IdGenerator } from '#shared/ports/id-generator';
import type { VideoRepository } from '#shared/ports/video-repository';

export interface VideoCatalogDeps {
  videos: VideoRepository;
  clock: Clock;
  ids: IdGenerator;
}

/** The video catalogue the scrapers feed and coordination draws on. */
export class VideoCatalog {
  constructor(private readonly deps: VideoCatalogDeps) {}

  /** Adds a video under the scraper's own id, or a new time-sortable one; an existing id is a 409. */
  async create(videoId: string | undefined, definition: VideoDefinition): Promise<Video> {
    const at = this.deps.clock.now().toISOString();
    const video: Video = { video_id: videoId ?? this.deps.ids.next(), ...definition, created_at: at, updated_at: at };
    if (!(await this.deps.videos.create(video))) {
      throw new Conflict('video_exists', `video '${video.video_id}' already exists`, { video_id: video.video_id });
    }
    return video;
  }

  async get(videoId: string): Promise<Video> {
    const video = await this.deps.videos.get(videoId);
    if (!video) throw new NotFound('video', videoId);
    return video;
  }

  async list(request: PageRequest & { status?: VideoStatus | undefined }): Promise<Page<Video>> {
    return this.deps.videos.list(request);
  }
}
