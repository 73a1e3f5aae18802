/**
 * Every key of the single table is built here and nowhere else. Each builder
 * returns the attributes an item of that entity carries (primary key plus the
 * index keys it appears under). docs/data-model.md mirrors this file.
 */
type Key = { pk: string; sk: string };

/** Calendar month bucket of an ISO instant: `2026-11`. */
export const monthOf = (iso: string): string => iso.slice(0, 7);

/**
 * gsi2 partitions a publication status is spread over. The table takes 4,000
 * write units a second at most (a new on-demand table), and one partition key
 * 1,000: 8 shards keep each under ~500 a second even with the whole table's
 * rate on one status, leaving room for uneven hashing. docs/data-model.md,
 * "Hot partitions".
 */
export const PUBLICATION_STATUS_SHARDS = 8;
/** Partitions a month of the activity trail (and each type of it) is spread over. docs/data-model.md, "Hot partitions". */
export const ACTIVITY_SHARDS = 4;

/**
 * FNV-1a, 32 bits, over the UTF-8 bytes of `text`. A shard is part of stored
 * keys, so the hash must never change between releases or runtimes: no
 * seeded or platform hash.
 */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** The shard (0 .. shards-1) an id's items are written to. */
export const shardOf = (id: string, shards: number): number => fnv1a32(id) % shards;

/** Every shard number of a sharded partition: what a read merges. */
const allShards = (shards: number): number[] => Array.from({ length: shards }, (_, shard) => shard);

export const systemStateKeys = {
  key: (): Key => ({ pk: 'SYSTEM', sk: 'STATE' }),
};

export const channelKeys = {
  key: (channelId: string): Key => ({ pk: `CHANNEL#${channelId}`, sk: 'CHANNEL' }),
  /** gsi1: all channels, in id order. */
  listPartition: 'CHANNELS',
  item: (channelId: string) => ({ ...channelKeys.key(channelId), gsi1pk: channelKeys.listPartition, gsi1sk: channelId }),
};

export const videoKeys = {
  key: (videoId: string): Key => ({ pk: `VIDEO#${videoId}`, sk: 'VIDEO' }),
  /** gsi1: all videos, by creation time. */
  listPartition: 'VIDEOS',
  /** gsi2: videos in one status, by creation time. */
  statusPartition: (status: string) => `VIDEO#STATUS#${status}`,
  item: (videoId: string, status: string, createdAt: string) => ({
    ...videoKeys.key(videoId),
    gsi1pk: videoKeys.listPartition,
    gsi1sk: `${createdAt}#${videoId}`,
    gsi2pk: videoKeys.statusPartition(status),
    gsi2sk: `${createdAt}#${videoId}`,
  }),
};

export const activityKeys = {
  /** The shard an entry's main item and type entry go to: of its id. */
  shardOf: (activityId: string) => shardOf(activityId, ACTIVITY_SHARDS),
  /** Main entries live in ACTIVITY_SHARDS partitions per calendar month, sorted by (time-sortable) id. */
  monthPartition: (month: string, shard: number) => `ACTIVITY#${month}#${shard}`,
  /** Every shard of a month: a read of the month merges them. */
  monthPartitions: (month: string) => allShards(ACTIVITY_SHARDS).map((shard) => activityKeys.monthPartition(month, shard)),
  sortKey: (activityId: string) => `ACT#${activityId}`,
  sortPrefix: 'ACT#',
  /** gsi2: entries of one type, over ACTIVITY_SHARDS partitions. */
  typePartition: (type: string, shard: number) => `ACTIVITY#TYPE#${type}#${shard}`,
  typePartitions: (type: string) => allShards(ACTIVITY_SHARDS).map((shard) => activityKeys.typePartition(type, shard)),
  item: (activityId: string, at: string, type: string) => ({
    pk: activityKeys.monthPartition(monthOf(at), activityKeys.shardOf(activityId)),
    sk: activityKeys.sortKey(activityId),
    gsi2pk: activityKeys.typePartition(type, activityKeys.shardOf(activityId)),
    gsi2sk: activityId,
  }),
  /** The copy of an entry listed under one channel it concerns, in that channel's partition. */
  channelCopy: (channelId: string, activityId: string): Key => ({
    pk: channelKeys.key(channelId).pk,
    sk: activityKeys.sortKey(activityId),
  }),
};

export const publicationKeys = {
  key: (publicationId: string): Key => ({ pk: `PUB#${publicationId}`, sk: 'PUB' }),
  /**
   * gsi1: one channel's publications in one status, by scheduled time. Not
   * sharded: a channel holds at most 4,000 upcoming bookings, so no request
   * writes more than that here (docs/data-model.md, "Hot partitions").
   */
  channelStatusPartition: (channelId: string, status: string) => `CHANNEL#${channelId}#PUB#${status}`,
  /** The gsi2 shard a publication is listed in, whatever its status: of its id. */
  statusShardOf: (publicationId: string) => shardOf(publicationId, PUBLICATION_STATUS_SHARDS),
  /** gsi2: the publications in one status, one shard of PUBLICATION_STATUS_SHARDS, by scheduled time. */
  statusPartition: (status: string, shard: number) => `PUB#STATUS#${status}#${shard}`,
  /** The gsi2 partition of one publication in `status`. */
  statusPartitionOf: (status: string, publicationId: string) =>
    publicationKeys.statusPartition(status, publicationKeys.statusShardOf(publicationId)),
  /** Every shard of a status: a read of the status merges them by sort key. */
  statusPartitions: (status: string) => allShards(PUBLICATION_STATUS_SHARDS).map((shard) => publicationKeys.statusPartition(status, shard)),
  /** gsi1 and gsi2 sort key: time first, so ranges are key conditions. */
  timeSortKey: (scheduledAt: string, publicationId: string) => `${scheduledAt}#${publicationId}`,
  /** gsi3: the publications of one slot, grouped by channel. */
  slotPartition: (slotId: string) => `SLOT#${slotId}`,
  slotSortKey: (channelId: string, publicationId: string) => `${channelId}#${publicationId}`,
  /**
   * The gsi3 key a walk of a slot resumes after: that of the publication
   * whose gsi3 sort key is `slotSortKey`. Null when `slotSortKey` is not
   * shaped like one (a made-up cursor).
   */
  slotStartKey: (slotId: string, slotSortKey: string): Record<string, string> | null => {
    const cut = slotSortKey.lastIndexOf('#');
    if (cut <= 0 || cut === slotSortKey.length - 1) return null;
    return {
      ...publicationKeys.key(slotSortKey.slice(cut + 1)),
      gsi3pk: publicationKeys.slotPartition(slotId),
      gsi3sk: slotSortKey,
    };
  },
  /** gsi4: one video's publications, by scheduled time (any status, any group). */
  videoPartition: (videoId: string) => `VIDEO#${videoId}#PUB`,
  /** The index attributes of a publication in a status; rewritten with it on every status change. */
  statusIndexes: (channelId: string, status: string, scheduledAt: string, publicationId: string) => ({
    gsi1pk: publicationKeys.channelStatusPartition(channelId, status),
    gsi1sk: publicationKeys.timeSortKey(scheduledAt, publicationId),
    gsi2pk: publicationKeys.statusPartitionOf(status, publicationId),
    gsi2sk: publicationKeys.timeSortKey(scheduledAt, publicationId),
  }),
  item: (p: { publication_id: string; channel_id: string; video_id: string; status: string; scheduled_at: string; slot_id: string }) => ({
    ...publicationKeys.key(p.publication_id),
    ...publicationKeys.statusIndexes(p.channel_id, p.status, p.scheduled_at, p.publication_id),
    gsi3pk: publicationKeys.slotPartition(p.slot_id),
    gsi3sk: publicationKeys.slotSortKey(p.channel_id, p.publication_id),
    gsi4pk: publicationKeys.videoPartition(p.video_id),
    gsi4sk: publicationKeys.timeSortKey(p.scheduled_at, p.publication_id),
  }),
};

/** Coordinations and waves: a group of publications with its slots in one partition. */
export const groupKeys = {
  partition: (groupId: string) => `GROUP#${groupId}`,
  key: (groupId: string): Key => ({ pk: groupKeys.partition(groupId), sk: 'GROUP' }),
  /** gsi2, sparse: only groups still `planning` carry it, by the end of their lease, so dead requests are found without a scan. */
  planningPartition: 'GROUP#STATUS#planning',
  planningIndex: (groupId: string, leaseUntil: string) => ({ gsi2pk: groupKeys.planningPartition, gsi2sk: `${leaseUntil}#${groupId}` }),
  /** gsi2, sparse: groups committed whose request has not yet finished what follows the commit (its preempt shadows). */
  finishingPartition: 'GROUP#STATUS#finishing',
  finishingSortKey: (groupId: string, committedAt: string) => `${committedAt}#${groupId}`,
  /** gsi1: every group of one kind (`coordination` or `wave`), by creation time. */
  listPartition: (kind: string) => `GROUPS#${kind}`,
  listIndex: (kind: string, groupId: string, createdAt: string) => ({ gsi1pk: groupKeys.listPartition(kind), gsi1sk: `${createdAt}#${groupId}` }),
  slot: (groupId: string, fireAt: string): Key => ({ pk: groupKeys.partition(groupId), sk: groupKeys.slotSortKey(fireAt) }),
  /** A slot's sort key: its fire time, so the group's slots are read in time order and time ranges are key conditions. */
  slotSortKey: (fireAt: string) => `SLOT#${fireAt}`,
  slotPrefix: 'SLOT#',
  /** Above every slot's sort key (`SLOT#<ISO instant>`): an open upper bound. */
  slotSortKeyMax: 'SLOT#~',
};

/** One item a channel: the channel's bookings, the reservation that concurrent planners race on. */
export const ledgerKeys = {
  key: (channelId: string): Key => ({ pk: channelKeys.key(channelId).pk, sk: 'LEDGER' }),
};

/** Which group a booking request's Idempotency-Key started (hashed), so that a retry finds it whatever became of the first attempt. */
export const bookingKeyKeys = {
  link: (kind: string, keyHash: string): Key => ({ pk: `BOOKINGKEY#${kind}#${keyHash}`, sk: 'LINK' }),
};

/** A periodic job's resume point (the reconciliation's walks). */
export const jobKeys = {
  cursor: (job: string): Key => ({ pk: `JOB#${job}`, sk: 'CURSOR' }),
  /** A periodic job's last completed run (the health sweep's record). */
  lastRun: (job: string): Key => ({ pk: `JOB#${job}`, sk: 'LAST_RUN' }),
};

/** A GitHub webhook delivery once applied, by its X-GitHub-Delivery id: a replay finds it and changes nothing. */
export const webhookDeliveryKeys = {
  key: (deliveryId: string): Key => ({ pk: `WEBHOOK#${deliveryId}`, sk: 'DELIVERY' }),
};

/** Powertools idempotency records share the table: one static partition, the hashed key as sort key. */
export const idempotencyKeys = {
  partition: 'IDEMPOTENCY',
  /**
   * The parts of a stored answer too large for its record's item, next to
   * that record (`<route id>#<hash>`, whose hash is base64: never a `#`).
   * `token` is new at each completion, so parts of an earlier life of the
   * record never mix in; `index` is zero-padded, so the parts sort in order.
   */
  responsePart: (recordSortKey: string, token: string, index: number): Key => ({
    pk: idempotencyKeys.partition,
    sk: `${idempotencyKeys.responsePartPrefix(recordSortKey, token)}${String(index).padStart(4, '0')}`,
  }),
  responsePartPrefix: (recordSortKey: string, token: string): string => `${recordSortKey}#PART#${token}#`,
};

/** Pipeline runs: list partitions sharded, since a large slot's firing creates a run a channel at once. */
export const RUN_SHARDS = 4;
export const runKeys = {
  key: (runId: string): Key => ({ pk: `RUN#${runId}`, sk: 'RUN' }),
  shardOf: (runId: string) => shardOf(runId, RUN_SHARDS),
  /** gsi1: one channel's runs, newest first. */
  channelPartition: (channelId: string) => `CHANNEL#${channelId}#RUN`,
  /** gsi2: runs in one status (sharded), by last change: the reconciliation's walk and the status filter. */
  statusPartition: (status: string, shard: number) => `RUN#STATUS#${status}#${shard}`,
  statusPartitions: (status: string) => allShards(RUN_SHARDS).map((shard) => runKeys.statusPartition(status, shard)),
  /** gsi4: every run (sharded), newest first. */
  listPartition: (shard: number) => `RUNS#${shard}`,
  listPartitions: () => allShards(RUN_SHARDS).map((shard) => runKeys.listPartition(shard)),
  createdSortKey: (createdAt: string, runId: string) => `${createdAt}#${runId}`,
  changedSortKey: (updatedAt: string, runId: string) => `${updatedAt}#${runId}`,
  /** gsi3, sparse: GitHub's run id, once known (how a webhook finds its run). */
  githubPartition: (githubRunId: number) => `GHRUN#${githubRunId}`,
  item: (r: { run_id: string; channel_id: string; status: string; created_at: string; updated_at: string }) => ({
    ...runKeys.key(r.run_id),
    gsi1pk: runKeys.channelPartition(r.channel_id),
    gsi1sk: runKeys.createdSortKey(r.created_at, r.run_id),
    gsi2pk: runKeys.statusPartition(r.status, runKeys.shardOf(r.run_id)),
    gsi2sk: runKeys.changedSortKey(r.updated_at, r.run_id),
    gsi4pk: runKeys.listPartition(runKeys.shardOf(r.run_id)),
    gsi4sk: runKeys.createdSortKey(r.created_at, r.run_id),
  }),
};

/** The token bucket pacing GitHub dispatches: one item a credential. */
export const pacerKeys = {
  key: (credential: string): Key => ({ pk: `PACER#${credential}`, sk: 'BUCKET' }),
};

/** Per-channel daily counters of publications that reached a final state through their runs. */
/**
 * Shards of the overall day counters: every finished run adds to one
 * (`fnv1a32(run_id) mod 16`), so a slot's 1,000 runs finishing at once spread
 * over 16 items, and a 30-day window is 16 Queries of at most 30 items.
 */
export const OVERALL_STATS_SHARDS = 16;
export const statsKeys = {
  channelDay: (channelId: string, day: string): Key => ({ pk: `STATS#${channelId}`, sk: `DAY#${day}` }),
  channelPartition: (channelId: string) => `STATS#${channelId}`,
  overallDay: (shard: number, day: string): Key => ({ pk: `STATS#ALL#${shard}`, sk: `DAY#${day}` }),
  overallPartition: (shard: number) => `STATS#ALL#${shard}`,
  overallShardOf: (runId: string) => shardOf(runId, OVERALL_STATS_SHARDS),
  dayPrefix: 'DAY#',
};

export const channelHealthKeys = {
  key: (channelId: string): Key => ({ pk: `CHANNEL#${channelId}`, sk: 'HEALTH' }),
  /** The health sweep's record of its last run. */
  sweepRecord: (): Key => jobKeys.lastRun('health-sweep'),
};
