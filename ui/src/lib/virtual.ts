// Which rows of a fixed-row-height list are in the DOM: those in view plus a few
// either side, whatever the list's length.

export interface WindowInput {
  /** Rows in the list. */
  count: number;
  /** Height of one row, in pixels. */
  rowHeight: number;
  /** Scroll offset of the viewport, in pixels. */
  scrollTop: number;
  /** Height of the viewport, in pixels. */
  viewportHeight: number;
  /** Rows rendered beyond each edge of the viewport, so fast scrolling shows no gap. */
  overscan: number;
}

export interface RowWindow {
  /** First rendered row. */
  start: number;
  /** One past the last rendered row. */
  end: number;
  /** Where the first rendered row sits, in pixels from the top of the list. */
  offset: number;
  /** Height of the whole list, in pixels. */
  total: number;
}

export function computeWindow({
  count,
  rowHeight,
  scrollTop,
  viewportHeight,
  overscan,
}: WindowInput): RowWindow {
  if (count <= 0 || rowHeight <= 0) return { start: 0, end: 0, offset: 0, total: 0 };
  const total = count * rowHeight;
  const viewport = Math.max(0, viewportHeight);
  const top = Math.min(Math.max(0, scrollTop), Math.max(0, total - viewport));
  const firstVisible = Math.floor(top / rowHeight);
  const endVisible = Math.ceil((top + viewport) / rowHeight);
  const start = Math.max(0, firstVisible - Math.max(0, overscan));
  const end = Math.min(count, Math.max(endVisible, firstVisible + 1) + Math.max(0, overscan));
  return { start, end, offset: start * rowHeight, total };
}

/** The scroll offset that brings row `index` fully into view, moving as little as possible. */
export function scrollToReveal(
  index: number,
  rowHeight: number,
  scrollTop: number,
  viewportHeight: number,
): number {
  const rowTop = index * rowHeight;
  const rowBottom = rowTop + rowHeight;
  if (rowTop < scrollTop) return rowTop;
  if (rowBottom > scrollTop + viewportHeight) return Math.max(0, rowBottom - viewportHeight);
  return scrollTop;
}

/** Where a navigation key moves the active row of a list of `count` rows. */
export function moveActive(key: string, active: number, count: number, pageRows: number): number | null {
  if (count === 0) return null;
  const page = Math.max(1, pageRows);
  switch (key) {
    case 'ArrowDown':
      return Math.min(count - 1, active + 1);
    case 'ArrowUp':
      return Math.max(0, active - 1);
    case 'PageDown':
      return Math.min(count - 1, Math.max(0, active) + page);
    case 'PageUp':
      return Math.max(0, active - page);
    case 'Home':
      return 0;
    case 'End':
      return count - 1;
    default:
      return null;
  }
}
