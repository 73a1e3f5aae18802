import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/**
 * The single table's physical shape. The CDK stateful stack and the local
 * server both build the table from this, so AWS and dynalite never drift.
 * docs/data-model.md explains what lives in each index.
 */
export const PRIMARY_KEY = { partitionKey: 'pk', sortKey: 'sk' } as const;

export const INDEXES = {
  /** By owner, ordered: a channel's publications per status, the channel, video and group lists. */
  byOwner: { name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
  /** By status or type, ordered: publications and videos per status, activity per type. */
  byStatus: { name: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
  /** By group: the publications of one slot. */
  byGroup: { name: 'gsi3', partitionKey: 'gsi3pk', sortKey: 'gsi3sk' },
  /** By video: one video's publications, by scheduled time. */
  byVideo: { name: 'gsi4', partitionKey: 'gsi4pk', sortKey: 'gsi4sk' },
} as const;

export type IndexName = (typeof INDEXES)[keyof typeof INDEXES]['name'];

/** Epoch seconds after which DynamoDB may delete the item (idempotency records, webhook deliveries, old activity). */
export const TTL_ATTRIBUTE = 'expires_at';

/** The CreateTable request for a local (dynalite) table; AWS gets the same shape from CDK. */
export function createTableInput(tableName: string): CreateTableCommandInput {
  const indexes = Object.values(INDEXES);
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    KeySchema: [
      { AttributeName: PRIMARY_KEY.partitionKey, KeyType: 'HASH' },
      { AttributeName: PRIMARY_KEY.sortKey, KeyType: 'RANGE' },
    ],
    AttributeDefinitions: [PRIMARY_KEY.partitionKey, PRIMARY_KEY.sortKey, ...indexes.flatMap((i) => [i.partitionKey, i.sortKey])].map(
      (name) => ({ AttributeName: name, AttributeType: 'S' as const }),
    ),
    GlobalSecondaryIndexes: indexes.map((index) => ({
      IndexName: index.name,
      KeySchema: [
        { AttributeName: index.partitionKey, KeyType: 'HASH' as const },
        { AttributeName: index.sortKey, KeyType: 'RANGE' as const },
      ],
      Projection: { ProjectionType: 'ALL' as const },
    })),
  };
}
