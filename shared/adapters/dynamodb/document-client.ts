import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** What every repository needs: the document client and the table's name. */
export interface TableContext {
  doc: DynamoDBDocumentClient;
  tableName: string;
}
