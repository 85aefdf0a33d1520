// Sorting of the tables: text by the French collation, amounts exactly from their
// strings, ISO dates as text (they sort as they read), missing values last whichever
// the direction.

import { compareMoney } from './format';

export type SortDirection = 'asc' | 'desc';

export interface SortState<K extends string> {
  key: K;
  direction: SortDirection;
}

/** How a column's values compare: `money` values are wire amounts ("1234.56"). */
export type ValueType = 'text' | 'number' | 'money' | 'date';

export type SortValue = string | number | null;

const collator = new Intl.Collator('fr', { sensitivity: 'base', numeric: true });

function compareValues(type: ValueType, a: string | number, b: string | number): number {
  switch (type) {
    case 'number':
      return Number(a) - Number(b);
    case 'money':
      return compareMoney(String(a), String(b));
    case 'date': {
      const x = String(a);
      const y = String(b);
      return x < y ? -1 : x > y ? 1 : 0;
    }
    case 'text':
      return collator.compare(String(a), String(b));
  }
}

/** A sorted copy of `rows`; the sort is stable, so equal rows keep their order. */
export function sortRows<T>(
  rows: readonly T[],
  value: (row: T) => SortValue,
  type: ValueType,
  direction: SortDirection,
): T[] {
  const sign = direction === 'asc' ? 1 : -1;
  return rows
    .map((row, index) => ({ row, index, key: value(row) }))
    .sort((a, b) => {
      if (a.key === null || b.key === null) {
        if (a.key === null && b.key === null) return a.index - b.index;
        return a.key === null ? 1 : -1;
      }
      return sign * compareValues(type, a.key, b.key) || a.index - b.index;
    })
    .map((entry) => entry.row);
}

/** Choosing a column: the same column flips its direction, another one starts ascending. */
export function toggleSort<K extends string>(current: SortState<K>, key: K): SortState<K> {
  if (current.key === key) return { key, direction: current.direction === 'asc' ? 'desc' : 'asc' };
  return { key, direction: 'asc' };
}
