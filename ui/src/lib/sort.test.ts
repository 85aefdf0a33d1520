import { describe, expect, it } from 'vitest';

import { sortRows, toggleSort } from './sort';

interface Row {
  name: string;
  amount: string;
  date: string | null;
  n: number;
}

const rows: Row[] = [
  { name: 'Étude B', amount: '10.00', date: '2026-03-01', n: 2 },
  { name: 'alpha', amount: '9.99', date: null, n: 10 },
  { name: 'Zeta', amount: '100.00', date: '2025-12-31', n: 1 },
  { name: 'etude a', amount: '-1.00', date: '2026-01-15', n: 2 },
];

const names = (list: Row[]) => list.map((r) => r.name);

describe('sortRows', () => {
  it('sorts amounts by value, not as text', () => {
    expect(names(sortRows(rows, (r) => r.amount, 'money', 'asc'))).toEqual([
      'etude a',
      'alpha',
      'Étude B',
      'Zeta',
    ]);
    expect(names(sortRows(rows, (r) => r.amount, 'money', 'desc'))).toEqual([
      'Zeta',
      'Étude B',
      'alpha',
      'etude a',
    ]);
  });

  it('sorts text the French way, ignoring case and accents', () => {
    expect(names(sortRows(rows, (r) => r.name, 'text', 'asc'))).toEqual([
      'alpha',
      'etude a',
      'Étude B',
      'Zeta',
    ]);
  });

  it('puts missing values last in both directions', () => {
    expect(names(sortRows(rows, (r) => r.date, 'date', 'asc'))).toEqual([
      'Zeta',
      'etude a',
      'Étude B',
      'alpha',
    ]);
    expect(names(sortRows(rows, (r) => r.date, 'date', 'desc'))).toEqual([
      'Étude B',
      'etude a',
      'Zeta',
      'alpha',
    ]);
  });

  it('is stable and leaves its input alone', () => {
    const copy = [...rows];
    expect(names(sortRows(rows, (r) => r.n, 'number', 'asc'))).toEqual([
      'Zeta',
      'Étude B',
      'etude a',
      'alpha',
    ]);
    expect(rows).toEqual(copy);
  });
});

describe('toggleSort', () => {
  it('flips the same column and starts another ascending', () => {
    expect(toggleSort({ key: 'a', direction: 'asc' }, 'a')).toEqual({ key: 'a', direction: 'desc' });
    expect(toggleSort({ key: 'a', direction: 'desc' }, 'a')).toEqual({ key: 'a', direction: 'asc' });
    expect(toggleSort({ key: 'a', direction: 'desc' }, 'b')).toEqual({ key: 'b', direction: 'asc' });
  });
});
