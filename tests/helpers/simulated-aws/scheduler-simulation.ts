import {
  ConflictException,
  ResourceNotFoundException,
  ThrottlingException,
  ValidationException,
  type CreateScheduleCommandInput,
  type DeleteScheduleCommandInput,
  type GetScheduleCommandInput,
  type GetScheduleCommandOutput,
  type SchedulerClient,
} from '@aws-sdk/client-scheduler';
import type { FinalizeHandlerOutput, FinalizeRequestMiddleware } from '@smithy/types';
import { CLIENT_ERROR_METADATA, operationName, type SimulationContext } from './simulation-context';
import { ThroughputMeter } from './throughput-meter';

/**
 * EventBridge Scheduler, simulated: SDK middleware that answers
 * CreateSchedule, GetSchedule and DeleteSchedule itself (nothing is sent),
 * keeping the schedules in memory, with Scheduler's validation, its
 * ConflictException for a name taken in the group, ResourceNotFoundException
 * for an unknown one, and its per-second request quotas (ThrottlingException,
 * retried by the SDK: the middleware runs inside the retry middleware).
 */

/** A schedule as Scheduler holds it. */
export interface SimulatedSchedule {
  name: string;
  groupName: string;
  scheduleExpression: string;
  /** The instant of an `at()` expression, in its timezone (UTC unless given), else undefined. */
  fireAt?: Date;
  input?: string;
  targetArn: string;
  createdAt: number;
  request: CreateScheduleCommandInput;
}

/** https://docs.aws.amazon.com/scheduler/latest/APIReference/API_CreateSchedule.html: Name and GroupName. */
const NAME_PATTERN = /^[0-9a-zA-Z\-_.]+$/;
const AT_EXPRESSION = /^at\((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\)$/;
const RATE_EXPRESSION = /^rate\(\d+ (minute|minutes|hour|hours|day|days)\)$/;
const CRON_EXPRESSION = /^cron\(\S+( \S+){5}\)$/;

type SchedulerOperation = 'CreateSchedule' | 'DeleteSchedule' | 'GetSchedule';

function validation(message: string): ValidationException {
  return new ValidationException({ message, Message: message, $metadata: { ...CLIENT_ERROR_METADATA } });
}

function checkName(field: string, value: string | undefined): void {
  if (value === undefined || value.length < 1 || value.length > 64 || !NAME_PATTERN.test(value)) {
    throw validation(`1 validation error detected: Value '${value}' at '${field}' failed to satisfy constraint: Member must satisfy regular expression pattern: [0-9a-zA-Z-_.]+ and have length between 1 and 64`);
  }
}

/** The instant of a valid `at(yyyy-mm-ddThh:mm:ss)` (read as UTC), or undefined. */
export function atInstant(expression: string): Date | undefined {
  const match = AT_EXPRESSION.exec(expression);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [number, number, number, number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  const valid = date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day && hour < 24 && minute < 60 && second < 60;
  return valid ? date : undefined;
}

export class SchedulerSimulation {
  /** Schedules by `group/name`. */
  readonly schedules = new Map<string, SimulatedSchedule>();
  private readonly rates: Record<SchedulerOperation, ThroughputMeter>;
  private largestInputBytes = 0;
  private throttled = 0;

  constructor(private readonly context: SimulationContext) {
    const rate = (limit: number) => new ThroughputMeter({ partition: limit, resource: limit });
    const { CreateSchedule, DeleteSchedule, GetSchedule } = context.limits.schedulerTps;
    this.rates = { CreateSchedule: rate(CreateSchedule), DeleteSchedule: rate(DeleteSchedule), GetSchedule: rate(GetSchedule) };
  }

  attach(client: SchedulerClient): void {
    client.middlewareStack.add(this.middleware(), { step: 'finalizeRequest', priority: 'low', name: 'simulatedAwsScheduler', override: true });
  }

  reset(): void {
    this.schedules.clear();
    for (const meter of Object.values(this.rates)) meter.reset();
    this.largestInputBytes = 0;
    this.throttled = 0;
  }

  report(): { schedules: number; largestInputBytes: number; throttled: number } {
    return { schedules: this.schedules.size, largestInputBytes: this.largestInputBytes, throttled: this.throttled };
  }

  private middleware<I extends object, O extends object>(): FinalizeRequestMiddleware<I, O> {
    return (_next, context) => async (args) => {
      const command = operationName(context);
      this.context.countCall('Scheduler', command);
      await this.context.delay('scheduler');
      const output = this.answer(command, args.input as Record<string, unknown>);
      return { response: {}, output: { ...output, $metadata: { httpStatusCode: 200, attempts: 1 } } } as unknown as FinalizeHandlerOutput<O>;
    };
  }

  /** Scheduler's per-operation request rate: a call is a unit, in a one-second window. */
  private admit(command: SchedulerOperation): void {
    const now = this.context.now();
    const charge = { resource: command, key: command, units: 1 };
    const refusal = this.rates[command].check(now, [charge]);
    if (refusal) {
      this.throttled++;
      this.context.throttled({ service: 'scheduler', command, reason: `${command} request rate`, resource: command, at: now });
      const message = `Rate exceeded (simulated): more than ${refusal.limit} ${command} requests in one second`;
      throw new ThrottlingException({ message, Message: message, $metadata: { ...CLIENT_ERROR_METADATA } });
    }
    this.rates[command].spend(now, [charge]);
  }

  private answer(command: string, input: Record<string, unknown>): Record<string, unknown> {
    switch (command) {
      case 'CreateSchedule':
        this.admit(command);
        return this.create(input as unknown as CreateScheduleCommandInput);
      case 'DeleteSchedule': {
        this.admit(command);
        const { Name, GroupName } = input as unknown as DeleteScheduleCommandInput;
        this.existing(Name, GroupName);
        this.schedules.delete(`${GroupName ?? 'default'}/${Name}`);
        return {};
      }
      case 'GetSchedule': {
        this.admit(command);
        const { Name, GroupName } = input as unknown as GetScheduleCommandInput;
        return this.describe(this.existing(Name, GroupName));
      }
      default:
        throw new Error(`SimulatedAws does not simulate Scheduler ${command}`);
    }
  }

  private existing(name: string | undefined, groupName: string | undefined): SimulatedSchedule {
    const schedule = this.schedules.get(`${groupName ?? 'default'}/${name}`);
    if (!schedule) {
      const message = `Schedule ${name} does not exist.`;
      throw new ResourceNotFoundException({ message, Message: message, $metadata: { ...CLIENT_ERROR_METADATA } });
    }
    return schedule;
  }

  private create(input: CreateScheduleCommandInput): Record<string, unknown> {
    checkName('name', input.Name);
    const groupName = input.GroupName ?? 'default';
    checkName('groupName', groupName);
    const expression = input.ScheduleExpression ?? '';
    const fireAt = atInstant(expression);
    if (!fireAt && !RATE_EXPRESSION.test(expression) && !CRON_EXPRESSION.test(expression)) {
      throw validation(`Invalid Schedule Expression ${expression}.`);
    }
    if (!input.FlexibleTimeWindow?.Mode) throw validation("1 validation error detected: Value null at 'flexibleTimeWindow' failed to satisfy constraint: Member must not be null");
    if (!input.Target?.Arn || !input.Target.RoleArn) throw validation("1 validation error detected: Value null at 'target' failed to satisfy constraint: Member must not be null");
    const inputBytes = Buffer.byteLength(input.Target.Input ?? '', 'utf8');
    this.largestInputBytes = Math.max(this.largestInputBytes, inputBytes);
    if (inputBytes > this.context.limits.schedulerInputBytes) {
      throw validation(`Target Input must be at most ${this.context.limits.schedulerInputBytes} bytes; got ${inputBytes}.`);
    }
    const id = `${groupName}/${input.Name}`;
    if (this.schedules.has(id)) {
      const message = `Schedule ${input.Name} already exists.`;
      throw new ConflictException({ message, Message: message, $metadata: { ...CLIENT_ERROR_METADATA } });
    }
    this.schedules.set(id, {
      name: input.Name as string,
      groupName,
      scheduleExpression: expression,
      fireAt,
      input: input.Target.Input,
      targetArn: input.Target.Arn,
      createdAt: this.context.now(),
      request: structuredClone(input),
    });
    return { ScheduleArn: this.arn(groupName, input.Name as string) };
  }

  private arn(groupName: string, name: string): string {
    return `arn:aws:scheduler:us-east-1:000000000000:schedule/${groupName}/${name}`;
  }

  private describe(schedule: SimulatedSchedule): Omit<GetScheduleCommandOutput, '$metadata'> {
    const { request } = schedule;
    return {
      Arn: this.arn(schedule.groupName, schedule.name),
      Name: schedule.name,
      GroupName: schedule.groupName,
      ScheduleExpression: schedule.scheduleExpression,
      ScheduleExpressionTimezone: request.ScheduleExpressionTimezone,
      Description: request.Description,
      State: request.State ?? 'ENABLED',
      Target: request.Target,
      FlexibleTimeWindow: request.FlexibleTimeWindow,
      ActionAfterCompletion: request.ActionAfterCompletion ?? 'NONE',
    };
  }
}
