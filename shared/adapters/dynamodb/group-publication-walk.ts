import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { decodeCursor, encodeCursor, invalidCursor, type CursorScope } from './cursor';
import type { TableContext } from './document-client';
import { groupKeys, publicationKeys } from './keys';
import type { PartitionQuery } from './query-pages';
import { INDEXES, PRIMARY_KEY } from './table-definition';

/**
 * Where a walk of a group's publications resumes: in the slot firing at
 * `at`, after the publication whose gsi3 sort key is `after`, or past that
 * whole slot when `after` is null.
 */
export interface WalkPosition {
  at: string;
  after: string | null;
}

/** One page of a group's publications, read slot by slot. */
export interface GroupWalk {
  groupId: string;
  limit: number;
  cursor?: string | undefined;
  /** Normalised ISO instants (`toISOString()`): slots firing at or after `from`, before `to`. */
  from?: string | undefined;
  to?: string | undefined;
  /** Secondary filters on the publications (status, channel, video, and the group itself). */
  filter?: PartitionQuery['filter'];
  /** The list and filters the cursor is bound to. */
  scope: CursorScope;
}

/** Slots read per Query of the group's partition: small items, most pages need a few. */
const SLOTS_PER_READ = 25;
/**
 * Query calls one page may make beyond one per item it returns. Unfiltered,
 * every slot read gives at least one item, so a page of a group of
 * one-publication slots still fills; filtered, a walk over many slots
 * answers a short page with a cursor rather than reading the whole group in
 * one request.
 */
const SPARE_QUERIES = 25;
/** `after` of a slot read to its end. Never a gsi3 sort key: those are `<channel_id>#<publication_id>`. */
const SLOT_DONE = '*';

/**
 * Reads one page of a group's publications without an index of its own:
 * the group's slots in fire-time order (its partition, `SLOT#<fire_at>`,
 * ranged by from/to as a key condition), and for each slot its publications
 * from gsi3 (`SLOT#<slot_id>`), which all share the slot's fire time. So the
 * page is earliest scheduled first, then by channel and publication id.
 * The cursor names the slot and the gsi3 position to resume at.
 */
export async function walkGroupPublications(
  table: TableContext,
  walk: GroupWalk,
): Promise<{ items: Record<string, unknown>[]; nextCursor: string | null }> {
  const start = decodeWalkCursor(walk.cursor, walk.scope, walk.groupId);
  const lowest = [walk.from, start?.at].filter((t): t is string => t !== undefined).sort().pop();
  const items: Record<string, unknown>[] = [];
  const maxQueries = walk.limit + SPARE_QUERIES;
  let queries = 0;
  // Where the next page resumes; unset until this page has read something, so a page always moves on.
  let position: WalkPosition | undefined;
  let slotsFrom: Record<string, unknown> | undefined;
  do {
    const slotPage = await table.doc.send(
      new QueryCommand({
        TableName: table.tableName,
        KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :lower AND :upper',
        ExpressionAttributeNames: { '#pk': PRIMARY_KEY.partitionKey, '#sk': PRIMARY_KEY.sortKey },
        ExpressionAttributeValues: {
          ':pk': groupKeys.partition(walk.groupId),
          ':lower': groupKeys.slotSortKey(lowest ?? ''),
          ':upper': walk.to ? groupKeys.slotSortKey(walk.to) : groupKeys.slotSortKeyMax,
        },
        ProjectionExpression: 'slot_id, fire_at',
        Limit: SLOTS_PER_READ,
        ExclusiveStartKey: slotsFrom,
      }),
    );
    queries += 1;
    slotsFrom = slotPage.LastEvaluatedKey;
    // BETWEEN is inclusive; `to` is not.
    const slots = (slotPage.Items ?? [])
      .map((item) => ({ slotId: String(item.slot_id), fireAt: String(item.fire_at) }))
      .filter((slot) => walk.to === undefined || slot.fireAt < walk.to);

    for (const [index, slot] of slots.entries()) {
      const lastSlot = index === slots.length - 1 && slotsFrom === undefined;
      let startKey: Record<string, unknown> | undefined;
      if (start && slot.fireAt === start.at) {
        if (start.after === null) continue;
        const resumeAfter = publicationKeys.slotStartKey(slot.slotId, start.after);
        if (!resumeAfter) throw invalidCursor();
        startKey = resumeAfter;
      }
      do {
        if (queries >= maxQueries && position) return { items, nextCursor: encodeWalkCursor(walk.scope, walk.groupId, position) };
        const page = await table.doc.send(
          new QueryCommand({
            TableName: table.tableName,
            IndexName: INDEXES.byGroup.name,
            KeyConditionExpression: '#pk = :pk',
            ExpressionAttributeNames: { '#pk': INDEXES.byGroup.partitionKey, ...(walk.filter?.names ?? {}) },
            ExpressionAttributeValues: { ':pk': publicationKeys.slotPartition(slot.slotId), ...(walk.filter?.values ?? {}) },
            FilterExpression: walk.filter?.expression,
            ScanIndexForward: true,
            Limit: walk.limit - items.length,
            ExclusiveStartKey: startKey,
          }),
        );
        queries += 1;
        items.push(...(page.Items ?? []));
        startKey = page.LastEvaluatedKey;
        position = { at: slot.fireAt, after: startKey ? String(startKey[INDEXES.byGroup.sortKey]) : null };
        if (items.length >= walk.limit) {
          const more = startKey !== undefined || !lastSlot;
          return { items, nextCursor: more ? encodeWalkCursor(walk.scope, walk.groupId, position) : null };
        }
      } while (startKey);
    }
  } while (slotsFrom);
  return { items, nextCursor: null };
}

/** The opaque cursor of a position in a group's walk; it names the group, so another list refuses it. */
export function encodeWalkCursor(scope: CursorScope, groupId: string, position: WalkPosition): string {
  return encodeCursor(scope, { group: groupId, at: position.at, after: position.after ?? SLOT_DONE });
}

/**
 * The position a cursor names, or undefined without one. A cursor of
 * another list, of another group, or whose slot time is not an instant as
 * stored is a 400 `invalid_cursor`.
 */
export function decodeWalkCursor(cursor: string | undefined, scope: CursorScope, groupId: string): WalkPosition | undefined {
  const fields = decodeCursor(cursor, scope, ['group', 'at', 'after'] as const);
  if (!fields) return undefined;
  if (fields.group !== groupId || !isStoredInstant(fields.at)) throw invalidCursor();
  return { at: fields.at, after: fields.after === SLOT_DONE ? null : fields.after };
}

/** Stored instants are `toISOString()`; anything else could not have come from a slot. */
function isStoredInstant(value: string): boolean {
  const ms = Date.parse(value);
  return !Number.isNaN(ms) && new Date(ms).toISOString() === value;
}
