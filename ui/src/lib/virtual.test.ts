import { describe, expect, it } from 'vitest';

import { computeWindow, moveActive, scrollToReveal } from './virtual';

const base = { rowHeight: 36, viewportHeight: 360, overscan: 5 };

describe('computeWindow', () => {
  it('renders the visible rows plus the overscan at the top', () => {
    expect(computeWindow({ ...base, count: 50_000, scrollTop: 0 })).toEqual({
      start: 0,
      end: 15,
      offset: 0,
      total: 1_800_000,
    });
  });

  it('keeps the DOM small anywhere in 50,000 rows', () => {
    for (const scrollTop of [0, 1, 35, 36, 1000, 123_456, 900_000, 1_799_640]) {
      const w = computeWindow({ ...base, count: 50_000, scrollTop });
      expect(w.end - w.start, `at ${scrollTop}`).toBeLessThanOrEqual(10 + 1 + 2 * 5);
      expect(w.end - w.start, `at ${scrollTop}`).toBeGreaterThanOrEqual(10);
      // The rows in view are always rendered.
      const first = Math.floor(scrollTop / 36);
      const last = Math.min(49_999, Math.ceil((scrollTop + 360) / 36) - 1);
      expect(w.start).toBeLessThanOrEqual(first);
      expect(w.end).toBeGreaterThan(last);
      expect(w.offset).toBe(w.start * 36);
    }
  });

  it('places the window where the scroll is, mid-list', () => {
    const w = computeWindow({ ...base, count: 50_000, scrollTop: 36 * 1000 + 10 });
    expect(w.start).toBe(995);
    expect(w.end).toBe(1000 + 11 + 5);
    expect(w.offset).toBe(995 * 36);
  });

  it('stops at the end of the list, even when scrolled past it', () => {
    const w = computeWindow({ ...base, count: 100, scrollTop: 99_999 });
    expect(w.end).toBe(100);
    expect(w.start).toBe(100 - 10 - 5);
    expect(w.total).toBe(3600);
  });

  it('handles short and empty lists and a viewport not measured yet', () => {
    expect(computeWindow({ ...base, count: 3, scrollTop: 0 })).toEqual({
      start: 0,
      end: 3,
      offset: 0,
      total: 108,
    });
    expect(computeWindow({ ...base, count: 0, scrollTop: 0 })).toEqual({
      start: 0,
      end: 0,
      offset: 0,
      total: 0,
    });
    const unmeasured = computeWindow({ ...base, count: 50_000, scrollTop: 0, viewportHeight: 0 });
    expect(unmeasured.start).toBe(0);
    expect(unmeasured.end).toBe(6);
    expect(computeWindow({ ...base, count: 10, scrollTop: -50 }).start).toBe(0);
  });
});

describe('scrollToReveal', () => {
  it('scrolls just enough to show the row, and not at all when it is in view', () => {
    expect(scrollToReveal(5, 36, 0, 360)).toBe(0);
    expect(scrollToReveal(10, 36, 0, 360)).toBe(36 * 11 - 360);
    expect(scrollToReveal(3, 36, 36 * 10, 360)).toBe(36 * 3);
    expect(scrollToReveal(49_999, 36, 0, 360)).toBe(36 * 50_000 - 360);
  });
});

describe('moveActive', () => {
  it('moves by one, by a page, and to the ends, within bounds', () => {
    expect(moveActive('ArrowDown', -1, 10, 5)).toBe(0);
    expect(moveActive('ArrowDown', 9, 10, 5)).toBe(9);
    expect(moveActive('ArrowUp', 0, 10, 5)).toBe(0);
    expect(moveActive('ArrowUp', 4, 10, 5)).toBe(3);
    expect(moveActive('PageDown', 2, 10, 5)).toBe(7);
    expect(moveActive('PageDown', 7, 10, 5)).toBe(9);
    expect(moveActive('PageUp', 3, 10, 5)).toBe(0);
    expect(moveActive('Home', 6, 10, 5)).toBe(0);
    expect(moveActive('End', 0, 10, 5)).toBe(9);
    expect(moveActive('x', 0, 10, 5)).toBeNull();
    expect(moveActive('ArrowDown', -1, 0, 5)).toBeNull();
  });
});
