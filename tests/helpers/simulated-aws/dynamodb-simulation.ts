import {
  BatchGetItemCommand,
  DeleteItemCommand,
  DynamoDBServiceException,
  GetItemCommand,
  ProvisionedThroughputExceededException,
  PutItemCommand,
  ThrottlingException,
  type AttributeValue as SdkAttributeValue,
  type DynamoDBClient,
  type ThrottlingReason,
} from '@aws-sdk/client-dynamodb';
import type { FinalizeHandler, FinalizeHandlerArguments, FinalizeHandlerOutput, FinalizeRequestMiddleware, HandlerExecutionContext, InitializeMiddleware } from '@smithy/types';
import { failedConditionCharges, keyValue, readUnits, writeCharges, type Item, type KeySchema } from './capacity-units';
import { itemSize, nativeItemSize } from './item-size';
import { CLIENT_ERROR_METADATA, operationName, type SimulationContext } from './simulation-context';
import { ThroughputMeter, type Charge, type Refusal } from './throughput-meter';
import { estimateUpdatedItem, type UpdateInput } from './update-estimate';

/**
 * DynamoDB as AWS meters it, in front of dynalite: SDK middleware that checks
 * item sizes, counts write and read units per partition of the table and of
 * each index, and throttles the requests AWS would throttle.
 *
 * It sits in the finalizeRequest step at low priority, i.e. inside the SDK's
 * retry middleware (finalizeRequest, high): a throttle it throws is retried by
 * the SDK as a real one would be, and every attempt is metered. Its
 * `args.input` is the marshalled wire input (a DynamoDBDocumentClient
 * marshalls in the serialize step, before it), and its output is what the
 * caller receives minus the document client's unmarshalling, which runs
 * inside it.
 */

type WriteRequest = { PutRequest?: { Item: Item }; DeleteRequest?: { Key: Item } };
interface KeysAndAttributes {
  Keys: Item[];
  ConsistentRead?: boolean;
}
interface WireInput extends UpdateInput {
  TableName?: string;
  IndexName?: string;
  Item?: Item;
  ConsistentRead?: boolean;
  ReturnConsumedCapacity?: string;
  KeyConditionExpression?: string;
  RequestItems?: Record<string, WriteRequest[]> | Record<string, KeysAndAttributes>;
}
interface WireOutput {
  ConsumedCapacity?: { CapacityUnits?: number };
  UnprocessedItems?: Record<string, unknown[]>;
  UnprocessedKeys?: Record<string, { Keys?: unknown[] }>;
  Responses?: Record<string, Record<string, unknown>[]>;
}
type Args = FinalizeHandlerArguments<object>;
type Next = FinalizeHandler<object, object>;
type Result = FinalizeHandlerOutput<object>;

/** The request as sent on the wire: headers and a JSON body the SDK already serialized. */
interface WireRequest {
  headers: Record<string, string>;
  body?: unknown;
}

export interface DynamoSimulationOptions {
  /** The table's key schema (name 'table') and its global secondary indexes (all projecting ALL). */
  table: KeySchema;
  indexes: readonly KeySchema[];
}

export interface DynamoReport {
  wcu: number;
  rcu: number;
  table: { wcu: number; rcu: number; peakWcuPerSecond: number; peakRcuPerSecond: number };
  byIndex: Record<string, { wcu: number; rcu: number; peakWcuPerSecond: number; peakRcuPerSecond: number }>;
  /** The partition (of the table or of an index) whose write units in any one second were the highest. */
  busiestPartition: { index: string; key: string; wcuPerSecond: number } | null;
  busiestReadPartition: { index: string; key: string; rcuPerSecond: number } | null;
  throttled: { total: number; byReason: Record<string, number> };
  largestItemBytes: number;
}

const textDecoder = new TextDecoder();

/** The SDK's AttributeValue is a tagged union; this file handles items as plain records of one-key objects. */
const toSdk = (item: Item) => item as unknown as Record<string, SdkAttributeValue>;
const fromSdk = (item: Record<string, SdkAttributeValue> | undefined) => item as unknown as Item | undefined;

/** Rebuilds a request with its JSON body changed (a batch forwarded in part, consumed capacity asked for). */
function withWireBody(args: Args, change: (body: Record<string, unknown>) => void): Args {
  const request = args.request as WireRequest;
  const raw = request.body;
  const text = typeof raw === 'string' ? raw : raw instanceof Uint8Array ? textDecoder.decode(raw) : '{}';
  const body = JSON.parse(text) as Record<string, unknown>;
  change(body);
  const json = JSON.stringify(body);
  const headers = { ...request.headers };
  for (const name of Object.keys(headers)) if (name.toLowerCase() === 'content-length') headers[name] = String(Buffer.byteLength(json));
  // Signed already: dynalite does not check signatures.
  const copy = Object.assign(Object.create(Object.getPrototypeOf(request) as object) as WireRequest, request, { body: json, headers });
  return { ...args, request: copy };
}

/** Whether a DynamoDBDocumentClient sent this command (its outputs are unmarshalled inside this middleware). */
function sentByDocumentClient(context: HandlerExecutionContext): boolean {
  const sdk = (context as { __aws_sdk_context?: { features?: Record<string, string> } }).__aws_sdk_context;
  return sdk?.features?.DDB_MAPPER === 'd';
}

function validationError(message: string): DynamoDBServiceException {
  return new DynamoDBServiceException({ name: 'ValidationException', $fault: 'client', $metadata: { ...CLIENT_ERROR_METADATA }, message });
}

export class DynamoSimulation {
  readonly writes: ThroughputMeter;
  readonly reads: ThroughputMeter;
  private largestItemBytes = 0;
  private throttles = new Map<string, number>();
  /** The input each command was sent with (document form for a document client), for UnprocessedItems/Keys. */
  private readonly sentInputs = new WeakMap<HandlerExecutionContext, WireInput>();
  private readonly byName: Map<string, KeySchema>;
  /** While above 0, calls go straight to dynalite: not counted, metered, delayed or throttled (`SimulatedAws.unmetered`). */
  private bypassing = 0;
  /**
   * With `emptyTable`, the key of every item ever written (see `attach`): a
   * key not in it has no item, so its image before a write is not read.
   * Undefined (every image read) otherwise, or once a write the simulation
   * cannot follow went by.
   */
  private writtenKeys: Set<string> | undefined;

  constructor(
    private readonly context: SimulationContext,
    private readonly options: DynamoSimulationOptions,
  ) {
    const { partitionWcu, partitionRcu, tableWcu, tableRcu } = context.limits;
    this.writes = new ThroughputMeter({ partition: partitionWcu, resource: tableWcu });
    this.reads = new ThroughputMeter({ partition: partitionRcu, resource: tableRcu });
    this.byName = new Map([options.table, ...options.indexes].map((schema) => [schema.name, schema]));
  }

  /**
   * Puts the simulation on `client`; `raw` (same endpoint, no middleware)
   * reads the images before and after writes. `emptyTable`: the table is
   * empty now and only these two clients write to it, so the simulation can
   * know which keys hold no item and skip reading their images (most of a
   * wave's writes are new items: a third of the calls to the emulator).
   */
  attach(client: DynamoDBClient, raw: DynamoDBClient, options: { emptyTable?: boolean } = {}): void {
    if (client === raw) throw new Error('SimulatedAws.attachDynamo needs a second, unmetered client for reading item images');
    client.middlewareStack.add(this.recordSentInput(), { step: 'initialize', priority: 'low', name: 'simulatedAwsSentInput', override: true });
    client.middlewareStack.add(this.middleware(raw), { step: 'finalizeRequest', priority: 'low', name: 'simulatedAwsDynamoDB', override: true });
    if (options.emptyTable) {
      this.writtenKeys = new Set();
      raw.middlewareStack.add(this.keyNoter(), { step: 'finalizeRequest', priority: 'low', name: 'simulatedAwsWrittenKeys', override: true });
    }
  }

  /** Notes the keys a raw-client write touches (the simulation's own restores, a test's fixtures). */
  private keyNoter<I extends object, O extends object>(): FinalizeRequestMiddleware<I, O> {
    return (next, context) => async (args) => {
      this.noteWrittenKeys(operationName(context), args.input as WireInput);
      return next(args);
    };
  }

  /**
   * Adds the keys a write names to `writtenKeys` (a key noted for a write
   * that then failed only costs a read). A write command it does
   * not follow item by item stops the tracking.
   */
  private noteWrittenKeys(command: string, input: WireInput): void {
    const keys = this.writtenKeys;
    if (!keys) return;
    switch (command) {
      case 'PutItem':
        keys.add(this.keyId(this.keyOf(input.Item as Item), false));
        return;
      case 'UpdateItem':
      case 'DeleteItem':
        keys.add(this.keyId(input.Key as Item, false));
        return;
      case 'BatchWriteItem':
        for (const requests of Object.values((input as unknown as { RequestItems: Record<string, WriteRequest[]> }).RequestItems)) {
          for (const r of requests) keys.add(this.keyId(r.PutRequest ? this.keyOf(r.PutRequest.Item) : (r.DeleteRequest?.Key as Item), false));
        }
        return;
      default:
        // Reads and table settings leave items alone; any other write (a transaction, PartiQL, a table deleted) ends the tracking.
        if (!/^(Get|BatchGet|Query|Scan|Describe|List|CreateTable|UpdateTimeToLive|UpdateContinuousBackups|TagResource)/.test(command)) this.writtenKeys = undefined;
    }
  }

  /** Whether an item may exist under `key` (false only when it is known never written). */
  private mayExist(key: Item): boolean {
    return this.writtenKeys === undefined || this.writtenKeys.has(this.keyId(key, false));
  }

  /** Runs `work` with every call passed straight to dynalite (see `SimulatedAws.unmetered`). */
  async unmetered<T>(work: () => Promise<T>): Promise<T> {
    this.bypassing++;
    try {
      return await work();
    } finally {
      this.bypassing--;
    }
  }

  reset(): void {
    this.writes.reset();
    this.reads.reset();
    this.largestItemBytes = 0;
    this.throttles.clear();
  }

  report(): DynamoReport {
    const writes = this.writes.totals();
    const reads = this.reads.totals();
    const usage = (resource: string) => ({
      wcu: writes.byResource.get(resource)?.units ?? 0,
      rcu: reads.byResource.get(resource)?.units ?? 0,
      peakWcuPerSecond: writes.byResource.get(resource)?.peakPerSecond ?? 0,
      peakRcuPerSecond: reads.byResource.get(resource)?.peakPerSecond ?? 0,
    });
    const busiestWrite = this.writes.busiest();
    const busiestRead = this.reads.busiest();
    return {
      wcu: writes.total,
      rcu: reads.total,
      table: usage('table'),
      byIndex: Object.fromEntries(this.options.indexes.map((index) => [index.name, usage(index.name)])),
      busiestPartition: busiestWrite && { index: busiestWrite.resource, key: busiestWrite.key, wcuPerSecond: busiestWrite.perSecond },
      busiestReadPartition: busiestRead && { index: busiestRead.resource, key: busiestRead.key, rcuPerSecond: busiestRead.perSecond },
      throttled: { total: [...this.throttles.values()].reduce((n, c) => n + c, 0), byReason: Object.fromEntries(this.throttles) },
      largestItemBytes: this.largestItemBytes,
    };
  }

  private recordSentInput<I extends object, O extends object>(): InitializeMiddleware<I, O> {
    return (next, context) => async (args) => {
      this.sentInputs.set(context, args.input as WireInput);
      return next(args);
    };
  }

  private middleware<I extends object, O extends object>(raw: DynamoDBClient): FinalizeRequestMiddleware<I, O> {
    return (next, context) => async (args) => {
      const command = operationName(context);
      if (this.bypassing > 0) {
        this.noteWrittenKeys(command, args.input as WireInput);
        return next(args);
      }
      // Noted once its images before are read, whatever comes of it.
      try {
        return await this.simulate(command, args, next, raw, context);
      } finally {
        this.noteWrittenKeys(command, args.input as WireInput);
      }
    };
  }

  private async simulate<I extends object, O extends object>(
    command: string,
    args: FinalizeHandlerArguments<I>,
    next: FinalizeHandler<I, O>,
    raw: DynamoDBClient,
    context: HandlerExecutionContext,
  ): Promise<FinalizeHandlerOutput<O>> {
    this.context.countCall('DynamoDB', command);
    await this.context.delay('dynamodb');
    const forward = next as unknown as Next;
    const call = args as unknown as Args;
    let result: Result;
    switch (command) {
      case 'PutItem':
      case 'UpdateItem':
      case 'DeleteItem':
        result = await this.singleWrite(command, call, forward, raw);
        break;
      case 'BatchWriteItem':
        result = await this.batchWrite(call, forward, raw, context);
        break;
      case 'GetItem':
      case 'Query':
        result = await this.read(command, call, forward);
        break;
      case 'BatchGetItem':
        result = await this.batchGet(call, forward, context);
        break;
      default:
        // Scan, table management, transactions (dynalite has none): passed on unmetered.
        result = await forward(call);
    }
    return result as unknown as FinalizeHandlerOutput<O>;
  }

  private get table(): KeySchema {
    return this.options.table;
  }

  private keyOf(item: Item): Item {
    const key: Item = {};
    for (const name of [this.table.partitionKey, this.table.sortKey]) if (item[name]) key[name] = item[name];
    return key;
  }

  private keyId(item: Item | Record<string, unknown>, native: boolean): string {
    const value = (name: string) => (native ? String((item as Record<string, unknown>)[name]) : keyValue(item as Item, name));
    return `${value(this.table.partitionKey)}\u0000${value(this.table.sortKey)}`;
  }

  private noteItem(item: Item | undefined): void {
    this.largestItemBytes = Math.max(this.largestItemBytes, itemSize(item));
  }

  private async readItem(raw: DynamoDBClient, tableName: string, key: Item): Promise<Item | undefined> {
    if (!this.mayExist(key)) return undefined;
    const { Item: item } = await raw.send(new GetItemCommand({ TableName: tableName, Key: toSdk(key), ConsistentRead: true }));
    return fromSdk(item);
  }

  private async readItems(raw: DynamoDBClient, tableName: string, keys: Item[]): Promise<Map<string, Item>> {
    const found = new Map<string, Item>();
    let pending = [...new Map(keys.filter((k) => this.mayExist(k)).map((k) => [this.keyId(k, false), k])).values()];
    while (pending.length > 0) {
      const batch = pending.slice(0, 100);
      pending = pending.slice(100);
      const out = await raw.send(new BatchGetItemCommand({ RequestItems: { [tableName]: { Keys: batch.map(toSdk), ConsistentRead: true } } }));
      for (const item of out.Responses?.[tableName] ?? []) found.set(this.keyId(fromSdk(item) as Item, false), fromSdk(item) as Item);
      pending.push(...(out.UnprocessedKeys?.[tableName]?.Keys ?? []).map((k) => fromSdk(k) as Item));
    }
    return found;
  }

  /** AWS's ThrottlingReason for a refusal: resource type, operation, limit type. */
  private reasonOf(kind: 'Write' | 'Read', refusal: Refusal): string {
    return `${refusal.resource === 'table' ? 'Table' : 'Index'}${kind}${refusal.scope === 'partition' ? 'KeyRangeThroughputExceeded' : 'MaxOnDemandThroughputExceeded'}`;
  }

  /**
   * The error AWS answers for a refusal. A hot partition is answered with
   * ProvisionedThroughputExceededException; a table-level ceiling, and a
   * batch of which nothing could be processed, with ThrottlingException.
   */
  private throttleError(kind: 'Write' | 'Read', refusal: Refusal, tableName: string, batch = false): Error {
    const reason = this.reasonOf(kind, refusal);
    const resource = `arn:aws:dynamodb:us-east-1:000000000000:table/${tableName}${refusal.resource === 'table' ? '' : `/index/${refusal.resource}`}`;
    const where = refusal.scope === 'partition' ? `partition key '${refusal.key}' of ${refusal.resource}` : refusal.resource;
    const message =
      `Throughput exceeds the current capacity of your table or index (simulated): ${reason}: ` +
      `${refusal.load + refusal.units} ${kind.toLowerCase()} units in one second on ${where}, limit ${refusal.limit}.` +
      (batch ? ' No request of the batch could be processed.' : '');
    const reasons: ThrottlingReason[] = [{ reason, resource }];
    const $metadata = { ...CLIENT_ERROR_METADATA };
    if (refusal.scope === 'partition' && !batch) return new ProvisionedThroughputExceededException({ message, $metadata, ThrottlingReasons: reasons });
    return new ThrottlingException({ message, $metadata, throttlingReasons: reasons });
  }

  /** Records a refused request (one per request of a batch) and returns AWS's error for it. */
  private refuse(kind: 'Write' | 'Read', command: string, refusal: Refusal, tableName: string): Error {
    this.record(command, this.reasonOf(kind, refusal), refusal);
    return this.throttleError(kind, refusal, tableName);
  }

  private record(command: string, reason: string, refusal: Refusal): void {
    this.throttles.set(reason, (this.throttles.get(reason) ?? 0) + 1);
    this.context.throttled({ service: 'dynamodb', command, reason, resource: refusal.resource, key: refusal.key, at: this.context.now() });
  }

  /**
   * PutItem, UpdateItem, DeleteItem: the item before is read, the units of the
   * write computed (for UpdateItem from an estimate of the item after), and the
   * write throttled without being sent if a partition or a resource has no
   * room. After it, UpdateItem's units are settled from the item as written.
   */
  private async singleWrite(command: 'PutItem' | 'UpdateItem' | 'DeleteItem', args: Args, next: Next, raw: DynamoDBClient): Promise<Result> {
    const input = args.input as WireInput;
    const tableName = input.TableName as string;
    const { maxItemBytes } = this.context.limits;
    if (command === 'PutItem') {
      this.noteItem(input.Item);
      if (itemSize(input.Item) > maxItemBytes) throw validationError('Item size has exceeded the maximum allowed size');
    }
    const key = command === 'PutItem' ? this.keyOf(input.Item as Item) : (input.Key as Item);
    const before = await this.readItem(raw, tableName, key);
    const expected = command === 'PutItem' ? input.Item : command === 'UpdateItem' ? estimateUpdatedItem(before, input) : undefined;
    const charges = writeCharges(this.table, this.options.indexes, before, expected);
    const now = this.context.now();
    const refusal = this.writes.check(now, charges);
    if (refusal) throw this.refuse('Write', command, refusal, tableName);
    const reservation = this.writes.spend(now, charges);

    let result: Result;
    try {
      result = await next(args);
    } catch (error) {
      const failedCondition = (error as Error).name === 'ConditionalCheckFailedException';
      this.writes.settle(reservation, failedCondition ? failedConditionCharges(this.table, before, expected) : [], this.context.now());
      throw error;
    }
    if (command === 'UpdateItem') {
      const after = await this.readItem(raw, tableName, key);
      this.noteItem(after);
      this.writes.settle(reservation, writeCharges(this.table, this.options.indexes, before, after), this.context.now());
      if (itemSize(after) > maxItemBytes) {
        // dynalite measures sizes its own way; put the item back as it was and refuse as AWS would.
        if (before) await raw.send(new PutItemCommand({ TableName: tableName, Item: toSdk(before) }));
        else await raw.send(new DeleteItemCommand({ TableName: tableName, Key: toSdk(key) }));
        throw validationError('Item size to update has exceeded the maximum allowed size');
      }
    }
    return result;
  }

  /**
   * BatchWriteItem: each put or delete is metered like a single write, in
   * order; those that fit are sent, the others come back in UnprocessedItems
   * (in the form they were sent in). If none fits, ThrottlingException.
   */
  private async batchWrite(args: Args, next: Next, raw: DynamoDBClient, context: HandlerExecutionContext): Promise<Result> {
    const input = args.input as { RequestItems: Record<string, WriteRequest[]> };
    const sent = (this.sentInputs.get(context) ?? input) as { RequestItems: Record<string, unknown[]> };
    for (const requests of Object.values(input.RequestItems)) {
      for (const request of requests) {
        if (!request.PutRequest) continue;
        this.noteItem(request.PutRequest.Item);
        if (itemSize(request.PutRequest.Item) > this.context.limits.maxItemBytes) throw validationError('Item size has exceeded the maximum allowed size');
      }
    }
    const now = this.context.now();
    const admitted: Charge[] = [];
    const refused = new Map<string, number[]>();
    let firstRefusal: { refusal: Refusal; tableName: string } | undefined;
    let accepted = 0;
    for (const [tableName, requests] of Object.entries(input.RequestItems)) {
      const keys = requests.map((r) => (r.PutRequest ? this.keyOf(r.PutRequest.Item) : (r.DeleteRequest?.Key as Item)));
      const befores = await this.readItems(raw, tableName, keys);
      requests.forEach((request, i) => {
        const charges = writeCharges(this.table, this.options.indexes, befores.get(this.keyId(keys[i] as Item, false)), request.PutRequest?.Item);
        const refusal = this.writes.check(now, [...admitted, ...charges]);
        if (!refusal) {
          admitted.push(...charges);
          accepted++;
          return;
        }
        refused.set(tableName, [...(refused.get(tableName) ?? []), i]);
        firstRefusal ??= { refusal, tableName };
        this.record('BatchWriteItem', this.reasonOf('Write', refusal), refusal);
      });
    }
    if (accepted === 0 && firstRefusal) throw this.throttleError('Write', firstRefusal.refusal, firstRefusal.tableName, true);
    const reservation = this.writes.spend(now, admitted);
    const forwarded =
      refused.size === 0
        ? args
        : withWireBody(args, (body) => {
            const items = body.RequestItems as Record<string, unknown[]>;
            for (const [tableName, indexes] of refused) {
              items[tableName] = (items[tableName] ?? []).filter((_, i) => !indexes.includes(i));
              if (items[tableName].length === 0) delete items[tableName];
            }
          });
    let result: Result;
    try {
      result = await next(forwarded);
    } catch (error) {
      this.writes.settle(reservation, [], this.context.now());
      throw error;
    }
    if (refused.size === 0) return result;
    const output = result.output as WireOutput;
    const unprocessed: Record<string, unknown[]> = { ...output.UnprocessedItems };
    for (const [tableName, indexes] of refused) {
      unprocessed[tableName] = [...(unprocessed[tableName] ?? []), ...indexes.map((i) => sent.RequestItems[tableName]?.[i])];
    }
    return { ...result, output: { ...output, UnprocessedItems: unprocessed } };
  }

  /** The partition a Query reads: the value its key condition gives the partition key. */
  private queriedPartition(input: WireInput, schema: KeySchema): string {
    const names = input.ExpressionAttributeNames ?? {};
    const values = input.ExpressionAttributeValues ?? {};
    for (const match of (input.KeyConditionExpression ?? '').matchAll(/(#?[A-Za-z0-9_]+)\s*=\s*(:[A-Za-z0-9_]+)/g)) {
      const name = (match[1] as string).startsWith('#') ? names[match[1] as string] : match[1];
      const value = values[match[2] as string];
      if (name === schema.partitionKey && value) return keyValue({ value }, 'value') ?? '?';
    }
    return '?';
  }

  /**
   * GetItem and Query: refused if the partition (or the table or index) has no
   * room left for even the smallest read; otherwise sent with
   * ReturnConsumedCapacity, and the units dynalite counts (sizes of the items
   * read before any filter, rounded up to 4 KB, halved when eventually
   * consistent) are charged to the partition read.
   */
  private async read(command: 'GetItem' | 'Query', args: Args, next: Next): Promise<Result> {
    const input = args.input as WireInput;
    const resource = input.IndexName ?? 'table';
    const schema = this.byName.get(resource) ?? this.table;
    const key = command === 'GetItem' ? (keyValue(input.Key, this.table.partitionKey) ?? '?') : this.queriedPartition(input, schema);
    const consistent = input.ConsistentRead === true;
    const now = this.context.now();
    const refusal = this.reads.check(now, [{ resource, key, units: readUnits(0, consistent) }]);
    if (refusal) throw this.refuse('Read', command, refusal, input.TableName as string);

    const asked = input.ReturnConsumedCapacity !== undefined && input.ReturnConsumedCapacity !== 'NONE';
    const result = await next(asked ? args : withWireBody(args, (body) => void (body.ReturnConsumedCapacity = 'TOTAL')));
    const output = result.output as WireOutput;
    const units = output.ConsumedCapacity?.CapacityUnits ?? readUnits(0, consistent);
    this.reads.spend(now, [{ resource, key, units }]);
    if (asked) return result;
    const { ConsumedCapacity: _dropped, ...rest } = output;
    return { ...result, output: rest };
  }

  /**
   * BatchGetItem: each key is admitted if its partition has room for the
   * smallest read; the others come back in UnprocessedKeys. Each item read is
   * charged its own 4 KB units (a key not found, the smallest read).
   */
  private async batchGet(args: Args, next: Next, context: HandlerExecutionContext): Promise<Result> {
    const input = args.input as { RequestItems: Record<string, KeysAndAttributes> };
    const sent = (this.sentInputs.get(context) ?? input) as { RequestItems: Record<string, { Keys: unknown[] }> };
    const now = this.context.now();
    const admitted: Charge[] = [];
    const admittedKeys = new Map<string, Item[]>();
    const refused = new Map<string, number[]>();
    let firstRefusal: { refusal: Refusal; tableName: string } | undefined;
    for (const [tableName, request] of Object.entries(input.RequestItems)) {
      const smallest = readUnits(0, request.ConsistentRead === true);
      request.Keys.forEach((key, i) => {
        const charge = { resource: 'table', key: keyValue(key, this.table.partitionKey) ?? '?', units: smallest };
        const refusal = this.reads.check(now, [...admitted, charge]);
        if (!refusal) {
          admitted.push(charge);
          admittedKeys.set(tableName, [...(admittedKeys.get(tableName) ?? []), key]);
          return;
        }
        refused.set(tableName, [...(refused.get(tableName) ?? []), i]);
        firstRefusal ??= { refusal, tableName };
        this.record('BatchGetItem', this.reasonOf('Read', refusal), refusal);
      });
    }
    if (admitted.length === 0 && firstRefusal) throw this.throttleError('Read', firstRefusal.refusal, firstRefusal.tableName, true);
    const forwarded =
      refused.size === 0
        ? args
        : withWireBody(args, (body) => {
            const items = body.RequestItems as Record<string, { Keys: unknown[] }>;
            for (const [tableName, indexes] of refused) {
              const entry = items[tableName];
              if (!entry) continue;
              entry.Keys = entry.Keys.filter((_, i) => !indexes.includes(i));
              if (entry.Keys.length === 0) delete items[tableName];
            }
          });
    const result = await next(forwarded);
    const output = result.output as WireOutput;
    const native = sentByDocumentClient(context);
    const charges: Charge[] = [];
    for (const [tableName, keys] of admittedKeys) {
      const sizes = new Map((output.Responses?.[tableName] ?? []).map((item) => [this.keyId(item, native), native ? nativeItemSize(item) : itemSize(item as Item)]));
      const consistent = input.RequestItems[tableName]?.ConsistentRead === true;
      for (const key of keys) {
        charges.push({ resource: 'table', key: keyValue(key, this.table.partitionKey) ?? '?', units: readUnits(sizes.get(this.keyId(key, false)) ?? 0, consistent) });
      }
    }
    this.reads.spend(now, charges);
    if (refused.size === 0) return result;
    const unprocessed: Record<string, { Keys?: unknown[] }> = { ...output.UnprocessedKeys };
    for (const [tableName, indexes] of refused) {
      const { Keys: sentKeys, ...attributes } = sent.RequestItems[tableName] ?? { Keys: [] };
      unprocessed[tableName] = { ...attributes, Keys: [...(unprocessed[tableName]?.Keys ?? []), ...indexes.map((i) => sentKeys[i])] };
    }
    return { ...result, output: { ...output, UnprocessedKeys: unprocessed } };
  }
}
