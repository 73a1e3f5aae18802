/** A video in the catalogue (SPEC "Registry", "Details"). */
export const VIDEO_STATUSES = ['available', 'assigned', 'published', 'archived'] as const;
export type VideoStatus = (typeof VIDEO_STATUSES)[number];

/** Statuses a client may give a new video; the others are reached through publications. */
export const CREATABLE_VIDEO_STATUSES = ['available', 'archived'] as const satisfies readonly VideoStatus[];

export interface VideoDefinition {
  title: string;
  tags: string[];
  language: string | null;
  category: string | null;
  duration_seconds: number | null;
  source_url: string | null;
  status: VideoStatus;
}

export interface Video extends VideoDefinition {
  video_id: string;
  created_at: string;
  updated_at: string;
}
