import { createHash, randomUUID } from 'node:crypto';
import { brotliCompressSync, brotliDecompressSync, constants as zlib } from 'node:zlib';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { JSONValue } from '@aws-lambda-powertools/commons/types';
import { IdempotencyItemAlreadyExistsError } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { IdempotencyRecord } from '@aws-lambda-powertools/idempotency/persistence';
import { mapConcurrent } from '#shared/concurrency';
import { idempotencyKeys } from './keys';
import { PRIMARY_KEY, TTL_ATTRIBUTE } from './table-definition';

/** Bodies above this are stored compressed; below it a record holds the answer as Powertools writes it. */
export const COMPRESS_ABOVE_BYTES = 32 * 1024;
/**
 * The most compressed bytes one item carries (the record, or one part):
 * DynamoDB's item limit is 400 KB, and the record's keys, status, expiry,
 * payload hash, status code and headers take well under 50 KB of the rest.
 */
export const ITEM_PAYLOAD_BYTES = 350 * 1024;
/** The attribute Powertools keeps the answer in (its default, so records written before stay readable). */
const DATA_ATTRIBUTE = 'data';
/** Where a compressed answer's record says how to find its body; never a field of an answer the HTTP stack serialises. */
const COMPRESSED = 'compressed_body';

export interface CompactIdempotencyStoreOptions {
  tableName: string;
  client: DynamoDBClient;
  /** Tests lower these to reach the part path with a small answer; production keeps the defaults. */
  compressAboveBytes?: number;
  itemPayloadBytes?: number;
}

/** An HTTP answer as the middy stack stores it: `body` is the serialised JSON. */
interface StoredResponse {
  statusCode: number;
  body: string;
  [field: string]: unknown;
}

/** What replaces `body` in a record whose answer was compressed (brotli): the bytes, or where its parts are. */
interface CompressedBody {
  encoding: 'br';
  /** Inline when they fit in the record's item. */
  bytes?: Uint8Array;
  /** Otherwise in `count` items next to the record, named by `token` (keys.ts `responsePart`). */
  parts?: { token: string; count: number };
  /** SHA-256 of the compressed bytes: parts reassembled are checked against it. */
  sha256: string;
}

/**
 * Powertools' DynamoDB persistence layer, storing any answer within the item
 * limit. Powertools writes the whole serialised response into the record, so
 * an answer near or above 400 KB (a 1,000-channel coordination lists every
 * publication, conflict and preempt move) failed the write after the booking
 * committed: a 500, the record deleted, and a replay booked again.
 *
 * - A body up to 32 KB is stored as before.
 * - A larger body is stored brotli-compressed as a binary attribute (brotli's
 *   window spans the whole answer, where gzip's 32 KB cannot reach the
 *   channel ids each section repeats: the worst coordination answer, 1.1 MB,
 *   is about 220 KB with brotli against 330 KB with gzip).
 * - Compressed bytes beyond 350 KB go into part items next to the record,
 *   written before the record completes, carrying its expiry.
 *
 * Every read that hands a record to Powertools (the record read, and the
 * existing record a conditional put fails on) restores the body byte for
 * byte, so a replay answers exactly what the first request answered.
 */
export class CompactIdempotencyStore extends DynamoDBPersistenceLayer {
  private readonly doc: DynamoDBDocumentClient;
  private readonly table: string;
  private readonly compressAboveBytes: number;
  private readonly itemPayloadBytes: number;

  constructor(options: CompactIdempotencyStoreOptions) {
    super({
      tableName: options.tableName,
      awsSdkV3Client: options.client,
      keyAttr: PRIMARY_KEY.partitionKey,
      sortKeyAttr: PRIMARY_KEY.sortKey,
      staticPkValue: idempotencyKeys.partition,
      expiryAttr: TTL_ATTRIBUTE,
      dataAttr: DATA_ATTRIBUTE,
    });
    this.doc = DynamoDBDocumentClient.from(options.client);
    this.table = options.tableName;
    this.compressAboveBytes = options.compressAboveBytes ?? COMPRESS_ABOVE_BYTES;
    this.itemPayloadBytes = options.itemPayloadBytes ?? ITEM_PAYLOAD_BYTES;
  }

  protected override async _getRecord(idempotencyKey: string): Promise<IdempotencyRecord> {
    const record = await super._getRecord(idempotencyKey);
    await this.restore(record, idempotencyKey);
    return record;
  }

  protected override async _putRecord(record: IdempotencyRecord): Promise<void> {
    try {
      await super._putRecord(record);
    } catch (error) {
      // On AWS the failed condition returns the record it met (dynalite returns none: Powertools then calls _getRecord).
      if (error instanceof IdempotencyItemAlreadyExistsError && error.existingRecord) {
        await this.restore(error.existingRecord, record.idempotencyKey);
      }
      throw error;
    }
  }

  protected override async _updateRecord(record: IdempotencyRecord): Promise<void> {
    const response: unknown = record.responseData;
    if (!isStoredResponse(response) || Buffer.byteLength(response.body, 'utf8') <= this.compressAboveBytes) {
      await super._updateRecord(record);
      return;
    }
    const { body, ...rest } = response;
    const bytes = brotliCompressSync(Buffer.from(body, 'utf8'), {
      // Quality 5 with the largest window: within a few percent of the best ratio at a fiftieth of its time (about 20 ms a MB).
      params: { [zlib.BROTLI_PARAM_QUALITY]: 5, [zlib.BROTLI_PARAM_LGWIN]: zlib.BROTLI_MAX_WINDOW_BITS },
    });
    const compressed: CompressedBody = { encoding: 'br', sha256: sha256Of(bytes) };
    if (bytes.length <= this.itemPayloadBytes) compressed.bytes = bytes;
    else compressed.parts = await this.writeParts(record, bytes);
    // A copy: the record Powertools keeps (and may cache) goes on holding the answer itself.
    await super._updateRecord(
      new IdempotencyRecord({
        idempotencyKey: record.idempotencyKey,
        sortKey: record.sortKey,
        status: record.getStatus(),
        expiryTimestamp: record.expiryTimestamp,
        inProgressExpiryTimestamp: record.inProgressExpiryTimestamp,
        payloadHash: record.payloadHash,
        responseData: { ...rest, [COMPRESSED]: compressed } as unknown as JSONValue,
      }),
    );
  }

  /** Writes the compressed bytes in parts, before the record that names them: a completed record always finds its parts. */
  private async writeParts(record: IdempotencyRecord, bytes: Buffer): Promise<{ token: string; count: number }> {
    const token = randomUUID();
    const count = Math.ceil(bytes.length / this.itemPayloadBytes);
    await mapConcurrent(
      Array.from({ length: count }, (_, index) => index),
      4,
      async (index) => {
        await this.doc.send(
          new PutCommand({
            TableName: this.table,
            Item: {
              ...idempotencyKeys.responsePart(record.idempotencyKey, token, index),
              [TTL_ATTRIBUTE]: record.expiryTimestamp,
              part: bytes.subarray(index * this.itemPayloadBytes, (index + 1) * this.itemPayloadBytes),
            },
          }),
        );
      },
    );
    return { token, count };
  }

  /**
   * Puts the answer's body back in a record read from the table (an expired
   * one is never replayed: left alone). `recordSortKey` is the record's
   * idempotency key: a record read back carries the partition in
   * `idempotencyKey` and the key in `sortKey`, a record being put the reverse.
   */
  private async restore(record: IdempotencyRecord, recordSortKey: string): Promise<void> {
    const stored: unknown = record.responseData;
    if (record.isExpired() || !isCompressedResponse(stored)) return;
    const { [COMPRESSED]: compressed, ...rest } = stored;
    const bytes = compressed.bytes ? Buffer.from(compressed.bytes) : await this.readParts(recordSortKey, compressed);
    if (sha256Of(bytes) !== compressed.sha256) {
      // Never answer something else than what was first answered: a 500 here, and the request is not run again.
      throw new Error(`the stored answer of idempotency record ${recordSortKey} does not match its checksum`);
    }
    record.responseData = { ...rest, body: brotliDecompressSync(bytes).toString('utf8') } as JSONValue;
  }

  private async readParts(recordSortKey: string, compressed: CompressedBody): Promise<Buffer> {
    const { token, count } = compressed.parts ?? { token: '', count: 0 };
    const parts: Buffer[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
          ExpressionAttributeNames: { '#pk': PRIMARY_KEY.partitionKey, '#sk': PRIMARY_KEY.sortKey },
          ExpressionAttributeValues: { ':pk': idempotencyKeys.partition, ':prefix': idempotencyKeys.responsePartPrefix(recordSortKey, token) },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      parts.push(...(page.Items ?? []).map((item) => Buffer.from(item.part as Uint8Array)));
      start = page.LastEvaluatedKey;
    } while (start);
    if (parts.length !== count) {
      throw new Error(`idempotency record ${recordSortKey} names ${count} parts of its answer; ${parts.length} were found`);
    }
    return Buffer.concat(parts);
  }
}

function sha256Of(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('base64');
}

function isStoredResponse(value: unknown): value is StoredResponse {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as StoredResponse).statusCode === 'number' &&
    typeof (value as StoredResponse).body === 'string' &&
    !(COMPRESSED in value)
  );
}

function isCompressedResponse(value: unknown): value is { [COMPRESSED]: CompressedBody; [field: string]: unknown } {
  if (typeof value !== 'object' || value === null || !(COMPRESSED in value)) return false;
  const compressed = (value as Record<string, unknown>)[COMPRESSED] as Partial<CompressedBody> | undefined;
  return compressed?.encoding === 'br' && typeof compressed.sha256 === 'string' && (compressed.bytes !== undefined || compressed.parts !== undefined);
}
