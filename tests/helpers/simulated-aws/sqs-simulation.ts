import { createHash, randomUUID } from 'node:crypto';
import {
  BatchEntryIdsNotDistinct,
  BatchRequestTooLong,
  EmptyBatchRequest,
  InvalidBatchEntryId,
  SQSServiceException,
  TooManyEntriesInBatchRequest,
  type BatchResultErrorEntry,
  type GetQueueAttributesCommandInput,
  type MessageAttributeValue,
  type SendMessageBatchCommandInput,
  type SendMessageBatchResultEntry,
  type SendMessageCommandInput,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { FinalizeHandlerOutput, FinalizeRequestMiddleware } from '@smithy/types';
import { CLIENT_ERROR_METADATA, operationName, type SimulationContext } from './simulation-context';

/**
 * Amazon SQS, simulated: SDK middleware that answers SendMessage,
 * SendMessageBatch and GetQueueAttributes itself (nothing is sent), keeping
 * the messages, with SQS's limits on entries, message and batch sizes and
 * DelaySeconds, and the errors SQS answers when they are broken. Its answers
 * carry the MD5 of each body, which the SDK checks.
 */

/** A message the queue holds. */
export interface SimulatedMessage {
  queueUrl: string;
  messageId: string;
  body: string;
  attributes: Record<string, MessageAttributeValue>;
  delaySeconds: number;
  /** On the simulation's clock (ms). */
  sentAt: number;
  /** What SQS counts against its size limit: the body and each attribute's name, type and value. */
  bytes: number;
}

interface MessageRequest {
  MessageBody?: string;
  DelaySeconds?: number;
  MessageAttributes?: Record<string, MessageAttributeValue>;
}

const BATCH_ENTRY_ID = /^[A-Za-z0-9_-]{1,80}$/;

/** The bytes SQS counts for a message: body, and each attribute's name, data type and value. */
export function messageBytes(message: MessageRequest): number {
  let bytes = Buffer.byteLength(message.MessageBody ?? '', 'utf8');
  for (const [name, value] of Object.entries(message.MessageAttributes ?? {})) {
    bytes += Buffer.byteLength(name, 'utf8') + Buffer.byteLength(value.DataType ?? '', 'utf8');
    if (value.StringValue !== undefined) bytes += Buffer.byteLength(value.StringValue, 'utf8');
    if (value.BinaryValue !== undefined) bytes += value.BinaryValue.byteLength;
  }
  return bytes;
}

function md5(text: string): string {
  return createHash('md5').update(text, 'utf8').digest('hex');
}

/** SQS's InvalidParameterValue, which the SDK does not model: it arrives as the service's base exception. */
function invalidParameter(message: string): SQSServiceException {
  return new SQSServiceException({ name: 'InvalidParameterValue', $fault: 'client', $metadata: { ...CLIENT_ERROR_METADATA }, message });
}

export class SqsSimulation {
  readonly messages: SimulatedMessage[] = [];
  private largestMessageBytes = 0;
  private largestBatchBytes = 0;
  private largestBatchEntries = 0;

  constructor(private readonly context: SimulationContext) {}

  attach(client: SQSClient): void {
    client.middlewareStack.add(this.middleware(), { step: 'finalizeRequest', priority: 'low', name: 'simulatedAwsSqs', override: true });
  }

  reset(): void {
    this.messages.length = 0;
    this.largestMessageBytes = 0;
    this.largestBatchBytes = 0;
    this.largestBatchEntries = 0;
  }

  /** Removes and returns the messages of one queue (what a consumer would receive), oldest first. */
  take(queueUrl: string): SimulatedMessage[] {
    const taken = this.messages.filter((m) => m.queueUrl === queueUrl);
    const kept = this.messages.filter((m) => m.queueUrl !== queueUrl);
    this.messages.splice(0, this.messages.length, ...kept);
    return taken;
  }

  report(): { messages: number; largestMessageBytes: number; largestBatchBytes: number; largestBatchEntries: number } {
    return {
      messages: this.messages.length,
      largestMessageBytes: this.largestMessageBytes,
      largestBatchBytes: this.largestBatchBytes,
      largestBatchEntries: this.largestBatchEntries,
    };
  }

  private middleware<I extends object, O extends object>(): FinalizeRequestMiddleware<I, O> {
    return (_next, context) => async (args) => {
      const command = operationName(context);
      this.context.countCall('SQS', command);
      await this.context.delay('sqs');
      const output = this.answer(command, args.input as Record<string, unknown>);
      return { response: {}, output: { ...output, $metadata: { httpStatusCode: 200, attempts: 1 } } } as unknown as FinalizeHandlerOutput<O>;
    };
  }

  private answer(command: string, input: Record<string, unknown>): Record<string, unknown> {
    switch (command) {
      case 'SendMessage':
        return this.sendOne(input as unknown as SendMessageCommandInput);
      case 'SendMessageBatch':
        return this.sendBatch(input as unknown as SendMessageBatchCommandInput);
      case 'GetQueueAttributes':
        return this.attributes(input as unknown as GetQueueAttributesCommandInput);
      default:
        throw new Error(`SimulatedAws does not simulate SQS ${command}`);
    }
  }

  /** Why SQS would refuse this message, or undefined. */
  private invalid(message: MessageRequest): string | undefined {
    const { sqsMessageBytes, sqsMaxDelaySeconds } = this.context.limits;
    const delay = message.DelaySeconds ?? 0;
    if (!Number.isInteger(delay) || delay < 0 || delay > sqsMaxDelaySeconds) {
      return `Value ${delay} for parameter DelaySeconds is invalid. Reason: must be between 0 and ${sqsMaxDelaySeconds}, if provided.`;
    }
    if (!message.MessageBody) return 'The request must contain the parameter MessageBody.';
    const bytes = messageBytes(message);
    if (bytes > sqsMessageBytes) return `One or more parameters are invalid. Reason: Message must be shorter than ${sqsMessageBytes} bytes.`;
    return undefined;
  }

  private store(queueUrl: string, message: MessageRequest): SimulatedMessage {
    const stored: SimulatedMessage = {
      queueUrl,
      messageId: randomUUID(),
      body: message.MessageBody ?? '',
      attributes: structuredClone(message.MessageAttributes ?? {}),
      delaySeconds: message.DelaySeconds ?? 0,
      sentAt: this.context.now(),
      bytes: messageBytes(message),
    };
    this.largestMessageBytes = Math.max(this.largestMessageBytes, stored.bytes);
    this.messages.push(stored);
    return stored;
  }

  private sendOne(input: SendMessageCommandInput): Record<string, unknown> {
    const reason = this.invalid(input);
    if (reason) throw invalidParameter(reason);
    const stored = this.store(input.QueueUrl ?? '', input);
    return { MessageId: stored.messageId, MD5OfMessageBody: md5(stored.body) };
  }

  private sendBatch(input: SendMessageBatchCommandInput): Record<string, unknown> {
    const entries = input.Entries ?? [];
    const { sqsBatchEntries, sqsBatchBytes } = this.context.limits;
    const $metadata = { ...CLIENT_ERROR_METADATA };
    if (entries.length === 0) throw new EmptyBatchRequest({ message: 'There should be at least one SendMessageBatchRequestEntry in the request.', $metadata });
    if (entries.length > sqsBatchEntries) {
      throw new TooManyEntriesInBatchRequest({ message: `Maximum number of entries per request are ${sqsBatchEntries}. You have sent ${entries.length}.`, $metadata });
    }
    const ids = entries.map((e) => e.Id ?? '');
    if (new Set(ids).size !== ids.length) throw new BatchEntryIdsNotDistinct({ message: 'Two or more batch entries in the request have the same Id.', $metadata });
    const badId = ids.find((id) => !BATCH_ENTRY_ID.test(id));
    if (badId !== undefined) throw new InvalidBatchEntryId({ message: `A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long: ${badId}`, $metadata });
    const total = entries.reduce((n, e) => n + messageBytes(e), 0);
    this.largestBatchBytes = Math.max(this.largestBatchBytes, total);
    this.largestBatchEntries = Math.max(this.largestBatchEntries, entries.length);
    if (total > sqsBatchBytes) {
      throw new BatchRequestTooLong({ message: `Batch requests cannot be longer than ${sqsBatchBytes} bytes. You have sent ${total} bytes.`, $metadata });
    }
    const successful: SendMessageBatchResultEntry[] = [];
    const failed: BatchResultErrorEntry[] = [];
    for (const entry of entries) {
      const reason = this.invalid(entry);
      if (reason) {
        failed.push({ Id: entry.Id, Code: 'InvalidParameterValue', SenderFault: true, Message: reason });
        continue;
      }
      const stored = this.store(input.QueueUrl ?? '', entry);
      successful.push({ Id: entry.Id, MessageId: stored.messageId, MD5OfMessageBody: md5(stored.body) });
    }
    return { Successful: successful, Failed: failed };
  }

  private attributes(input: GetQueueAttributesCommandInput): Record<string, unknown> {
    const now = this.context.now();
    const held = this.messages.filter((m) => m.queueUrl === input.QueueUrl);
    const delayed = held.filter((m) => m.sentAt + m.delaySeconds * 1_000 > now).length;
    const all: Record<string, string> = {
      ApproximateNumberOfMessages: String(held.length - delayed),
      ApproximateNumberOfMessagesDelayed: String(delayed),
      ApproximateNumberOfMessagesNotVisible: '0',
    };
    const names = input.AttributeNames ?? [];
    const wanted = names.includes('All') ? Object.keys(all) : names.filter((n) => n in all);
    return { Attributes: Object.fromEntries(wanted.map((n) => [n, all[n] as string])) };
  }
}
