import { afterEach, describe, expect, it, vi } from 'vitest';
import { BarcodeWedge } from '../../renderer/src/lib/state/barcode.ts';
import { IdleCountdown } from '../../renderer/src/lib/state/idle.svelte.ts';
import { TouchThrottle } from '../../renderer/src/lib/state/throttle.ts';

function clock(start = 0) {
  let t = start;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

describe('IdleCountdown', () => {
  afterEach(() => vi.useRealTimers());

  it('counts down once a second from the core’s secondsLeft and stops at zero', () => {
    vi.useFakeTimers();
    const idle = new IdleCountdown();
    idle.show(30);
    expect(idle.visible).toBe(true);
    expect(idle.secondsLeft).toBe(30);
    vi.advanceTimersByTime(1000);
    expect(idle.secondsLeft).toBe(29);
    vi.advanceTimersByTime(5000);
    expect(idle.secondsLeft).toBe(24);
    vi.advanceTimersByTime(60_000);
    expect(idle.secondsLeft).toBe(0);
    expect(idle.visible).toBe(true); // the core ends the session, not the countdown
    expect(vi.getTimerCount()).toBe(0);
  });

  it('re-syncs to a later warning and stops ticking once hidden', () => {
    vi.useFakeTimers();
    const idle = new IdleCountdown();
    idle.show(30);
    vi.advanceTimersByTime(10_000);
    expect(idle.secondsLeft).toBe(20);
    idle.show(12);
    expect(idle.secondsLeft).toBe(12);
    vi.advanceTimersByTime(2000);
    expect(idle.secondsLeft).toBe(10);
    expect(vi.getTimerCount()).toBe(1);
    idle.hide();
    expect(idle.visible).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('follows the clock, not the number of ticks, when the page was busy', () => {
    const c = clock();
    const idle = new IdleCountdown(c.now);
    idle.show(30);
    c.advance(7400); // ticks were late
    idle.tick();
    expect(idle.secondsLeft).toBe(23);
    idle.dispose();
  });
});

describe('TouchThrottle', () => {
  it('lets one touch through per interval', () => {
    const c = clock(1_000_000);
    const throttle = new TouchThrottle({ intervalMs: 5000, now: c.now });
    expect(throttle.hit()).toBe(true);
    c.advance(1000);
    expect(throttle.hit()).toBe(false);
    c.advance(3999);
    expect(throttle.hit()).toBe(false);
    c.advance(1);
    expect(throttle.hit()).toBe(true);
  });

  it('lets an urgent touch through straight away, but not twice in one second', () => {
    const c = clock(1_000_000);
    const throttle = new TouchThrottle({ intervalMs: 5000, urgentGapMs: 1000, now: c.now });
    expect(throttle.hit()).toBe(true);
    c.advance(1200);
    expect(throttle.hit()).toBe(false);
    expect(throttle.hit(true)).toBe(true);
    c.advance(300);
    expect(throttle.hit(true)).toBe(false);
    throttle.reset();
    expect(throttle.hit()).toBe(true);
  });
});

describe('BarcodeWedge', () => {
  function scan(wedge: BarcodeWedge, c: ReturnType<typeof clock>, keys: string[], gapMs: number): Array<string | null> {
    return keys.map((key) => {
      c.advance(gapMs);
      return wedge.key(key);
    });
  }

  it('answers the digits of a fast burst ending in Enter', () => {
    const c = clock();
    const wedge = new BarcodeWedge({ now: c.now });
    const out = scan(wedge, c, [...'0000001236', 'Enter'], 8);
    expect(out.slice(0, -1).every((x) => x === null)).toBe(true);
    expect(out.at(-1)).toBe('0000001236');
  });

  it('ignores people typing at human speed', () => {
    const c = clock();
    const wedge = new BarcodeWedge({ now: c.now, maxGapMs: 80 });
    expect(scan(wedge, c, [...'0000001236', 'Enter'], 150).at(-1)).toBeNull();
  });

  it('ignores a lone Enter, short bursts and bursts broken by other keys', () => {
    const c = clock();
    const wedge = new BarcodeWedge({ now: c.now, minLength: 6 });
    expect(scan(wedge, c, ['Enter'], 5)).toEqual([null]);
    c.advance(1000);
    expect(scan(wedge, c, [...'123', 'Enter'], 5).at(-1)).toBeNull();
    c.advance(1000);
    expect(scan(wedge, c, [...'123', 'a', ...'456', 'Enter'], 5).at(-1)).toBeNull();
  });

  it('lets modifier keys pass through a burst and starts over after a pause', () => {
    const c = clock();
    const wedge = new BarcodeWedge({ now: c.now, maxGapMs: 80 });
    expect(scan(wedge, c, ['Shift', ...'123456', 'Enter'], 5).at(-1)).toBe('123456');
    scan(wedge, c, [...'999'], 5);
    c.advance(500);
    expect(scan(wedge, c, [...'7654321', 'Enter'], 5).at(-1)).toBe('7654321');
  });
});
