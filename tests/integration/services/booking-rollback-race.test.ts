import { describe, expect, it } from 'vitest';
import { DynamoActivityLog } from '#shared/adapters/dynamodb/activity-log';
import { DynamoChannelRepository } from '#shared/adapters/dynamodb/channel-repository';
import { DynamoLedgerRepository } from '#shared/adapters/dynamodb/ledger-repository';
import { DynamoPublicationGroupRepository } from '#shared/adapters/dynamodb/publication-group-repository';
import { DynamoPublicationRepository } from '#shared/adapters/dynamodb/publication-repository';
import { DynamoSystemStateRepository } from '#shared/adapters/dynamodb/system-state-repository';
import { DynamoVideoRepository } from '#shared/adapters/dynamodb/video-repository';
import { ulidGenerator } from '#shared/adapters/ulid-generator';
import { ChannelRegistry } from '#shared/services/channel-registry';
import { GroupBooking } from '#shared/services/group-booking';
import { LedgerBookkeeping } from '#shared/services/ledger-bookkeeping';
import { SlotDispatch } from '#shared/services/slot-dispatch';
import { SystemControl } from '#shared/services/system-control';
import { VideoCatalog } from '#shared/services/video-catalog';
import { embeddedTable } from '#tests/helpers/embedded-table';
import { FixedClock } from '#tests/helpers/in-memory-ports';
import { checkInvariants, describeViolations } from '#tests/helpers/invariants';
import { RecordingSlotScheduler, RecordingTriggerQueue } from '#tests/helpers/recording-adapters';
import { channelDefinition, videoDefinition } from '#tests/helpers/sample-entities';

const META = { actor: 'test', request_id: 'race' };

describe('GroupBooking.book: a channel failing while another still books (against dynalite)', () => {
  it('rolls back only once every channel attempt has ended: the failed group leaves no booking behind', async () => {
    const table = await embeddedTable();
    const clock = new FixedClock('2026-10-24T20:00:00.000Z');
    const ids = ulidGenerator(clock);
    const realLedgers = new DynamoLedgerRepository(table);
    let releaseSlow!: () => void;
    const slowGate = new Promise<void>((resolve) => (releaseSlow = resolve));
    // c-gone is deleted (its ledger closed) just as this booking writes it; c-slow's write is slow.
    const ledgers: typeof realLedgers = Object.assign(Object.create(realLedgers), {
      replace: async (channelId: string, version: number, bookings: never[], at: string) => {
        if (channelId === 'c-gone') await realLedgers.close(channelId, version, at);
        if (channelId === 'c-slow') await slowGate;
        return realLedgers.replace(channelId, version, bookings, at);
      },
    });
    const repositories = {
      state: new DynamoSystemStateRepository(table),
      channels: new DynamoChannelRepository(table),
      videos: new DynamoVideoRepository(table),
      publications: new DynamoPublicationRepository(table),
      groups: new DynamoPublicationGroupRepository(table),
      activity: new DynamoActivityLog(table, clock, 365),
    };
    const scheduler = new RecordingSlotScheduler();
    const queue = new RecordingTriggerQueue();
    const dispatch = new SlotDispatch({ ...repositories, queue, clock, ids });
    const booking = new GroupBooking({
      ...repositories,
      ledgers,
      bookkeeping: new LedgerBookkeeping(realLedgers, clock),
      scheduler,
      dispatch,
      clock,
      ids,
      owner: 'proc_repro',
    });
    const registry = new ChannelRegistry({ channels: repositories.channels, ledgers: realLedgers, activity: repositories.activity, clock, ids });
    for (const id of ['c-gone', 'c-slow']) await registry.put(id, channelDefinition({ name: id, github: null }), META);
    await new VideoCatalog({ videos: repositories.videos, clock, ids }).create('v1', videoDefinition({ title: 'v1' }));
    await new SystemControl({ state: repositories.state, activity: repositories.activity, clock, ids, onRunning: async () => undefined }).control('start', META);

    const attempt = booking.book(
      { kind: 'coordination', videoIds: ['v1'], channelIds: ['c-gone', 'c-slow'], timing: 'simultaneous', scheduledAt: '2026-10-24T21:00:00.000Z', staggerBy: 'channel', priority: 5, policy: 'shift', dryRun: false, timingFieldPrefix: '' },
      META,
    );
    setTimeout(releaseSlow, 100);
    await expect(attempt).rejects.toThrow(/unknown channel/);
    await new Promise((resolve) => setTimeout(resolve, 200));

    const violations = await checkInvariants({ table, scheduler, queue, clock, accepted: [] });
    console.log(describeViolations(violations));
    console.log(JSON.stringify((await realLedgers.get('c-slow')).bookings));
    await table.close();
    expect(violations).toEqual([]);
  });
});
