import { describe, expect, it } from 'vitest';
import { KnownBusyTime } from '#shared/domain/planner/known-busy-time';

describe('KnownBusyTime', () => {
  it('knows nothing at first', () => {
    expect(new KnownBusyTime().containing(0)).toBeUndefined();
  });

  it('holds an added span as [from, to)', () => {
    const busy = new KnownBusyTime();
    busy.add(10, 20);
    expect(busy.containing(9)).toBeUndefined();
    expect(busy.containing(10)).toEqual({ from: 10, to: 20 });
    expect(busy.containing(19)).toEqual({ from: 10, to: 20 });
    expect(busy.containing(20)).toBeUndefined();
  });

  it('merges overlapping and touching spans so one jump clears them all', () => {
    const busy = new KnownBusyTime();
    busy.add(10, 20);
    busy.add(30, 40);
    busy.add(20, 30);
    busy.add(35, 50);
    expect(busy.containing(10)).toEqual({ from: 10, to: 50 });
  });

  it('ignores an empty span', () => {
    const busy = new KnownBusyTime();
    busy.add(10, 10);
    expect(busy.containing(10)).toBeUndefined();
  });

  it('forgets exactly the closed range it is told to, keeping both sides', () => {
    const busy = new KnownBusyTime();
    busy.add(0, 100);
    busy.forget(40, 60);
    expect(busy.containing(39)).toEqual({ from: 0, to: 40 });
    expect(busy.containing(40)).toBeUndefined();
    expect(busy.containing(60)).toBeUndefined();
    expect(busy.containing(61)).toEqual({ from: 61, to: 100 });
  });

  it('forgets across several spans and drops those wholly inside', () => {
    const busy = new KnownBusyTime();
    busy.add(0, 10);
    busy.add(20, 30);
    busy.add(40, 50);
    busy.forget(5, 45);
    expect(busy.containing(4)).toEqual({ from: 0, to: 5 });
    expect(busy.containing(25)).toBeUndefined();
    expect(busy.containing(46)).toEqual({ from: 46, to: 50 });
  });
});
