import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { groupKeys, publicationKeys } from '#shared/adapters/dynamodb/keys';
import { DynamoPublicationGroupRepository } from '#shared/adapters/dynamodb/publication-group-repository';
import { DynamoPublicationRepository } from '#shared/adapters/dynamodb/publication-repository';
import { TTL_ATTRIBUTE } from '#shared/adapters/dynamodb/table-definition';
import { FINAL_STATUSES, PUBLICATION_STATUSES, type PublicationStatus } from '#shared/domain/publication';
import { slotIdOf, type Slot } from '#shared/domain/publication-group';
import { useTablePerTest, type EmbeddedTable } from '#tests/helpers/embedded-table';
import { publication, publicationGroup } from '#tests/helpers/sample-entities';

/** Not the default (90), so a test passing proves the repositories use what they are given. */
const RETENTION_DAYS = 10;
const DAY_SECONDS = 86_400;
/** The TTL the retention gives something finished (or last due) at `iso`: epoch seconds. */
const expiryAfter = (iso: string): number => Date.parse(iso) / 1000 + RETENTION_DAYS * DAY_SECONDS;

describe('Retention (TTL on expires_at) of publications, groups and slots', () => {
  let table: EmbeddedTable;
  let publications: DynamoPublicationRepository;
  let groups: DynamoPublicationGroupRepository;

  useTablePerTest((created) => {
    table = created;
    publications = new DynamoPublicationRepository(table, { retentionDays: RETENTION_DAYS });
    groups = new DynamoPublicationGroupRepository(table, RETENTION_DAYS);
  });

  const itemAt = async (key: Record<string, string>): Promise<Record<string, unknown>> => {
    const { Item } = await table.doc.send(new GetCommand({ TableName: table.tableName, Key: key, ConsistentRead: true }));
    if (!Item) throw new Error(`no item at ${JSON.stringify(key)}`);
    return Item;
  };
  const expiryOfPublication = async (id: string) => (await itemAt(publicationKeys.key(id)))[TTL_ATTRIBUTE];
  const expiryOfGroup = async (id: string) => (await itemAt(groupKeys.key(id)))[TTL_ATTRIBUTE];
  const expiryOfSlot = async (groupId: string, fireAt: string) => (await itemAt(groupKeys.slot(groupId, fireAt)))[TTL_ATTRIBUTE];

  describe('Class: DynamoPublicationRepository', () => {
    it('the final statuses are those a publication never leaves: succeeded, failed, cancelled', () => {
      expect([...FINAL_STATUSES].sort()).toEqual(['cancelled', 'failed', 'succeeded']);
    });

    it('writes a new publication without an expiry', async () => {
      const p = publication();
      await publications.putMany([p]);
      expect(await expiryOfPublication(p.publication_id)).toBeUndefined();
    });

    it.each(FINAL_STATUSES.map((s) => [s]))('a change to %s expires the publication the retention after the change', async (to) => {
      // Prepare
      const p = publication({ status: 'dispatching' });
      await publications.putMany([p]);
      const at = '2026-04-01T09:30:15.000Z';

      // Act
      const changed = await publications.changeStatus(p, { from: ['dispatching'], to, at });

      // Assess
      expect(changed?.status).toBe(to);
      expect(await expiryOfPublication(p.publication_id)).toBe(expiryAfter(at));
    });

    const live = PUBLICATION_STATUSES.filter((s) => !(FINAL_STATUSES as readonly PublicationStatus[]).includes(s));
    it.each(live.map((s) => [s]))('a change to %s (live) leaves none, and takes away one the item carried', async (to) => {
      // Prepare: an item carrying an expiry it should not (written by hand), in a status it can leave.
      const p = publication({ status: 'held' });
      await table.doc.send(
        new PutCommand({ TableName: table.tableName, Item: { ...publicationKeys.item(p), entity: 'publication', ...p, [TTL_ATTRIBUTE]: 1 } }),
      );

      // Act
      await publications.changeStatus(p, { from: ['held'], to, at: '2026-04-01T09:30:00.000Z' });

      // Assess
      expect(await expiryOfPublication(p.publication_id)).toBeUndefined();
    });

    it('a change refused by its condition writes no expiry', async () => {
      const p = publication({ status: 'dispatched' });
      await publications.putMany([p]);
      expect(await publications.changeStatus(p, { from: ['scheduled', 'held'], to: 'cancelled', at: '2026-04-01T09:30:00.000Z' })).toBeNull();
      expect(await expiryOfPublication(p.publication_id)).toBeUndefined();
    });

    it('a rescheduled (preempted) publication stays without an expiry', async () => {
      const p = publication({ scheduled_at: '2026-03-20T18:00:00.000Z' });
      await publications.putMany([p]);
      const moved = await publications.reschedule(p.publication_id, {
        from: p.scheduled_at,
        to: '2026-03-20T19:00:00.000Z',
        slotId: 'slot-2',
        at: '2026-03-16T00:00:00.000Z',
      });
      expect(moved).toBe(true);
      expect(await expiryOfPublication(p.publication_id)).toBeUndefined();
    });
  });

  describe('Class: DynamoPublicationGroupRepository', () => {
    const planning = () =>
      publicationGroup({ group_id: 'wave_01J00000000000000000000001', kind: 'wave', video_id: null, status: 'planning', lease_until: '2026-03-15T12:05:00.000Z' });
    const totals = {
      total_publications: 4,
      slot_count: 2,
      first_at: '2026-03-20T18:00:00.000Z',
      last_at: '2026-03-21T06:30:00.000Z',
      schedules_created: 2,
    };
    const slotAt = (groupId: string, fireAt: string): Slot => ({
      slot_id: slotIdOf(groupId, fireAt),
      group_id: groupId,
      fire_at: fireAt,
      status: 'pending',
      publication_count: 2,
      dispatched: 0,
      held: 0,
      fired_at: null,
    });

    it('a group being booked (planning) carries no expiry', async () => {
      const group = planning();
      expect(await groups.create(group)).toBe(true);
      expect(await expiryOfGroup(group.group_id)).toBeUndefined();
    });

    it('a committed group expires the retention after its last slot’s time (last_at)', async () => {
      const group = planning();
      await groups.create(group);
      expect(await groups.commit(group.group_id, totals, '2026-03-15T12:00:02.000Z')).toBe(true);
      expect(await expiryOfGroup(group.group_id)).toBe(expiryAfter(totals.last_at));
    });

    it('a cancelled group expires the retention after its cancel', async () => {
      const group = planning();
      await groups.create(group);
      await groups.commit(group.group_id, totals, '2026-03-15T12:00:02.000Z');
      const cancelledAt = '2026-03-16T08:00:00.000Z';
      expect(await groups.markCancelled(group.group_id, cancelledAt)).toBe(true);
      expect(await expiryOfGroup(group.group_id)).toBe(expiryAfter(cancelledAt));
    });

    it.each([
      ['failed', false],
      ['cancelled', true],
    ] as const)('a group rolled back ends %s and expires the retention after the rollback', async (status, cancelAsked) => {
      // Prepare
      const group = planning();
      await groups.create(group);
      if (cancelAsked) await groups.requestCancel(group.group_id, '2026-03-15T12:00:30.000Z');
      const at = '2026-03-15T12:06:00.000Z';

      // Act
      await groups.beginRollback(group.group_id, at);
      await groups.finishRollback(group.group_id, at, 'its request stopped before it finished');

      // Assess
      expect((await groups.get(group.group_id))?.status).toBe(status);
      expect(await expiryOfGroup(group.group_id)).toBe(expiryAfter(at));
    });

    it('a slot expires the retention after its fire time, and keeps that when fired or cancelled', async () => {
      // Prepare
      const groupId = planning().group_id;
      const first = slotAt(groupId, '2026-03-20T18:00:00.000Z');
      const second = slotAt(groupId, '2026-03-21T06:30:00.000Z');

      // Act & Assess
      await groups.putSlots([first, second]);
      expect(await expiryOfSlot(groupId, first.fire_at)).toBe(expiryAfter(first.fire_at));
      expect(await expiryOfSlot(groupId, second.fire_at)).toBe(expiryAfter(second.fire_at));
      await groups.markSlotFired(groupId, first.fire_at, { at: '2026-03-20T18:00:01.000Z', dispatched: 2, held: 0 });
      await groups.markSlotCancelled(groupId, second.fire_at, '2026-03-16T08:00:00.000Z');
      expect(await expiryOfSlot(groupId, first.fire_at)).toBe(expiryAfter(first.fire_at));
      expect(await expiryOfSlot(groupId, second.fire_at)).toBe(expiryAfter(second.fire_at));
    });

    it('a preempt move to a slot after the group’s last carries the group’s expiry past it; an earlier one leaves it', async () => {
      // Prepare: a committed group, last due at totals.last_at.
      const group = planning();
      await groups.create(group);
      await groups.commit(group.group_id, totals, '2026-03-15T12:00:02.000Z');
      const later = '2026-04-02T10:00:00.000Z';
      const earlier = '2026-03-20T20:00:00.000Z';

      // Act
      await groups.addToSlot({ slot_id: slotIdOf(group.group_id, later), group_id: group.group_id, fire_at: later }, 1);
      await groups.addToSlot({ slot_id: slotIdOf(group.group_id, earlier), group_id: group.group_id, fire_at: earlier }, 1);

      // Assess
      expect(await expiryOfSlot(group.group_id, later)).toBe(expiryAfter(later));
      expect(await expiryOfSlot(group.group_id, earlier)).toBe(expiryAfter(earlier));
      expect(await expiryOfGroup(group.group_id)).toBe(expiryAfter(later));
    });

    it('a slot added to a group still planning gives the group no expiry', async () => {
      const group = planning();
      await groups.create(group);
      const at = '2026-03-20T18:00:00.000Z';
      await groups.addToSlot({ slot_id: slotIdOf(group.group_id, at), group_id: group.group_id, fire_at: at }, 1);
      expect(await expiryOfGroup(group.group_id)).toBeUndefined();
    });
  });
});
