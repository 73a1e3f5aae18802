/** A video channel in the registry (SPEC "Registry"). */
export const CHANNEL_STATUSES = ['active', 'inactive', 'paused'] as const;
export type ChannelStatus = (typeof CHANNEL_STATUSES)[number];

/** Where the channel's pipeline lives: a GitHub Actions workflow in its repository. */
export interface ChannelGithub {
  owner: string;
  repo: string;
  /** Workflow file name (`publish.yml`) or numeric id. */
  workflow: string;
  ref: string;
}

export interface PublishingRules {
  /** IANA time zone the slots, days and daily caps are counted in. */
  timezone: string;
  /** Local publishing times, "HH:MM", sorted and unique. */
  slots: string[];
  /** Minimum minutes between two publications on the channel; 0 for no gap. */
  min_gap_minutes: number;
  /** Maximum publications per local day; null for no cap. */
  max_per_day: number | null;
}

/** Which videos the channel takes in auto-distribution. Empty lists constrain nothing. */
export interface ChannelFilters {
  tags_any: string[];
  tags_none: string[];
  languages: string[];
  categories: string[];
  min_duration_seconds: number | null;
  max_duration_seconds: number | null;
}

export interface ChannelDefinition {
  name: string;
  status: ChannelStatus;
  /** 0-9, higher first. */
  priority: number;
  github: ChannelGithub | null;
  publishing: PublishingRules;
  /** null: the channel has no filters and takes videos by schedule only. */
  filters: ChannelFilters | null;
  /** Free-form configuration synced into the channel's repository. */
  config: Record<string, unknown>;
}

export interface Channel extends ChannelDefinition {
  channel_id: string;
  created_at: string;
  updated_at: string;
  /** Incremented by every write of the definition. */
  version: number;
}

export const DEFAULT_PUBLISHING: PublishingRules = {
  timezone: 'UTC',
  slots: [],
  min_gap_minutes: 0,
  max_per_day: null,
};
