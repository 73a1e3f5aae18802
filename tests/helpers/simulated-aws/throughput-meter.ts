/**
 * Capacity units consumed, per partition key value and per resource (the
 * table or one index), over a sliding one-second window.
 *
 * A unit spent at time t counts against every window that contains t, i.e.
 * until t + 1 s: a partition that took its 1,000 units at t takes nothing more
 * until then. No burst credit is kept (AWS keeps up to 300 s of unused
 * capacity; see docs/simulated-aws.md).
 */

/** The table or one global secondary index. */
export type Resource = 'table' | (string & {});

/** Units a request consumes on one partition key value of one resource. */
export interface Charge {
  resource: Resource;
  /** The partition key value (`pk` of the table, `gsiNpk` of an index). */
  key: string;
  units: number;
}

/** Why a request may not proceed: the partition or the resource as a whole has no room. */
export interface Refusal {
  scope: 'partition' | 'resource';
  resource: Resource;
  /** The partition key value, for a partition refusal. */
  key?: string;
  /** Units already consumed in the window, units asked, and the limit. */
  load: number;
  units: number;
  limit: number;
}

export interface MeterLimits {
  /** Units a second one partition key value serves. */
  partition: number;
  /** Units a second one resource (the table, or one index) serves. */
  resource: number;
}

interface Spend {
  at: number;
  units: number;
  /** Out of the window: no longer counted in its sum. */
  expired?: boolean;
}

const WINDOW_MS = 1_000;

/** One window: the spends of the last second, their sum, the highest sum ever, the total. */
class SlidingWindow {
  private readonly spends: Spend[] = [];
  private head = 0;
  sum = 0;
  peak = 0;
  total = 0;

  load(now: number): number {
    this.prune(now);
    return this.sum;
  }

  spend(now: number, units: number): Spend {
    this.prune(now);
    const spend = { at: now, units };
    this.spends.push(spend);
    this.sum += units;
    this.total += units;
    this.peak = Math.max(this.peak, this.sum);
    return spend;
  }

  /** Changes a spend still (maybe) in the window, as when an estimate is replaced by the actual. */
  adjust(spend: Spend, units: number): void {
    const delta = units - spend.units;
    spend.units = units;
    this.total += delta;
    if (!spend.expired) {
      this.sum += delta;
      this.peak = Math.max(this.peak, this.sum);
    }
  }

  private prune(now: number): void {
    while (this.head < this.spends.length && (this.spends[this.head] as Spend).at <= now - WINDOW_MS) {
      const spend = this.spends[this.head] as Spend;
      this.sum -= spend.units;
      spend.expired = true;
      this.head++;
    }
    // Drop the dead prefix now and then so memory stays bounded.
    if (this.head > 1_024 && this.head * 2 > this.spends.length) {
      this.spends.splice(0, this.head);
      this.head = 0;
    }
  }
}

/** A reservation: the spends made for one request, which can be settled to the actual units afterwards. */
export interface Reservation {
  readonly charges: readonly Charge[];
}

interface ReservationState extends Reservation {
  at: number;
  spends: { partition: SlidingWindow; resource: SlidingWindow; partitionSpend: Spend; resourceSpend: Spend; charge: Charge }[];
}

/** Sums charges that fall on the same partition (a delete and a put in the same index partition). */
function aggregate(charges: readonly Charge[]): Charge[] {
  const byKey = new Map<string, Charge>();
  for (const charge of charges) {
    const id = `${charge.resource}\u0000${charge.key}`;
    const found = byKey.get(id);
    if (found) found.units += charge.units;
    else byKey.set(id, { ...charge });
  }
  return [...byKey.values()];
}

/** Meters one kind of unit (write or read) for a table and its indexes. */
export class ThroughputMeter {
  private readonly partitions = new Map<string, { resource: Resource; key: string; window: SlidingWindow }>();
  private readonly resources = new Map<Resource, SlidingWindow>();

  constructor(readonly limits: MeterLimits) {}

  /** The first limit these charges would break at `now`, or undefined if they fit. */
  check(now: number, charges: readonly Charge[]): Refusal | undefined {
    const merged = aggregate(charges);
    for (const charge of merged) {
      const load = this.partition(charge).load(now);
      if (load + charge.units > this.limits.partition) {
        return { scope: 'partition', resource: charge.resource, key: charge.key, load, units: charge.units, limit: this.limits.partition };
      }
    }
    const perResource = new Map<Resource, number>();
    for (const charge of merged) perResource.set(charge.resource, (perResource.get(charge.resource) ?? 0) + charge.units);
    for (const [resource, units] of perResource) {
      const load = this.resource(resource).load(now);
      if (load + units > this.limits.resource) return { scope: 'resource', resource, load, units, limit: this.limits.resource };
    }
    return undefined;
  }

  /** Spends the charges at `now` (without checking). */
  spend(now: number, charges: readonly Charge[]): Reservation {
    const state: ReservationState = { charges: aggregate(charges), at: now, spends: [] };
    for (const charge of state.charges) {
      const partition = this.partition(charge);
      const resource = this.resource(charge.resource);
      state.spends.push({ partition, resource, charge, partitionSpend: partition.spend(now, charge.units), resourceSpend: resource.spend(now, charge.units) });
    }
    return state;
  }

  /**
   * Replaces what a reservation spent by the actual charges: reserved
   * partitions are set to their actual units (0 if untouched after all), new
   * ones are spent at `now`.
   */
  settle(reservation: Reservation, actual: readonly Charge[], now: number): void {
    const state = reservation as ReservationState;
    const remaining = new Map(aggregate(actual).map((c) => [`${c.resource}\u0000${c.key}`, c]));
    for (const spent of state.spends) {
      const id = `${spent.charge.resource}\u0000${spent.charge.key}`;
      const units = remaining.get(id)?.units ?? 0;
      remaining.delete(id);
      spent.partition.adjust(spent.partitionSpend, units);
      spent.resource.adjust(spent.resourceSpend, units);
    }
    if (remaining.size > 0) this.spend(now, [...remaining.values()]);
  }

  /** Forgets every spend. */
  reset(): void {
    this.partitions.clear();
    this.resources.clear();
  }

  /** Units spent in all, per resource and overall. */
  totals(): { total: number; byResource: Map<Resource, { units: number; peakPerSecond: number }> } {
    const byResource = new Map<Resource, { units: number; peakPerSecond: number }>();
    let total = 0;
    for (const [resource, window] of this.resources) {
      byResource.set(resource, { units: window.total, peakPerSecond: window.peak });
      total += window.total;
    }
    return { total, byResource };
  }

  /** The partition whose units in one second were the highest, over the whole run. */
  busiest(): { resource: Resource; key: string; perSecond: number } | null {
    let best: { resource: Resource; key: string; perSecond: number } | null = null;
    for (const { resource, key, window } of this.partitions.values()) {
      if (!best || window.peak > best.perSecond) best = { resource, key, perSecond: window.peak };
    }
    return best;
  }

  private partition(charge: Charge): SlidingWindow {
    const id = `${charge.resource}\u0000${charge.key}`;
    let entry = this.partitions.get(id);
    if (!entry) {
      entry = { resource: charge.resource, key: charge.key, window: new SlidingWindow() };
      this.partitions.set(id, entry);
    }
    return entry.window;
  }

  private resource(resource: Resource): SlidingWindow {
    let window = this.resources.get(resource);
    if (!window) {
      window = new SlidingWindow();
      this.resources.set(resource, window);
    }
    return window;
  }
}
