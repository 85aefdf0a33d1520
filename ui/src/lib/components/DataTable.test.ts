import { flushSync, mount, unmount, type Component, type ComponentProps } from 'svelte';
import { afterEach, describe, expect, it } from 'vitest';

import { locale } from '../i18n/index.svelte';
import type { Column } from '../table';
import DataTable from './DataTable.svelte';

interface Row {
  id: number;
  name: string;
  amount: string;
}

const rows: Row[] = Array.from({ length: 50_000 }, (_, i) => ({
  id: i + 1,
  name: `Débiteur ${String(i + 1).padStart(5, '0')}`,
  amount: `${(i * 7919) % 100_000}.${String(i % 100).padStart(2, '0')}`,
}));

const columns: Column<Row>[] = [
  { id: 'name', label: 'col.debtor', width: '1fr', type: 'text', value: (r) => r.name, text: (r) => r.name },
  {
    id: 'amount',
    label: 'col.declared',
    width: '8rem',
    type: 'money',
    align: 'end',
    value: (r) => r.amount,
    text: (r) => r.amount,
  },
];

// `mount` cannot infer a generic component's type parameter; name it.
type TableProps = ComponentProps<typeof DataTable<Row>>;
const RowTable = DataTable as unknown as Component<TableProps>;

let component: ReturnType<typeof mount> | null = null;

afterEach(() => {
  if (component) unmount(component);
  component = null;
  document.body.innerHTML = '';
});

function render(opened: Row[] = []) {
  locale.lang = 'fr';
  component = mount(RowTable, {
    target: document.body,
    props: {
      rows,
      columns,
      sort: { key: 'name', direction: 'asc' },
      label: 'Liste',
      idPrefix: 'row',
      rowKey: (r: Row) => r.id,
      onopen: (r: Row) => opened.push(r),
      testid: 'table',
      rowTestId: 'data-row',
    },
  });
  flushSync();
  const grid = document.querySelector<HTMLElement>('[data-testid=table]');
  if (!grid) throw new Error('no grid');
  return grid;
}

const renderedIds = () =>
  [...document.querySelectorAll<HTMLElement>('[data-testid=data-row]')].map((r) => Number(r.dataset.id));

function press(grid: HTMLElement, key: string) {
  grid.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true }));
  flushSync();
}

describe('DataTable over VirtualList', () => {
  it('puts only a window of 50,000 rows in the DOM', () => {
    const grid = render();
    expect(grid.dataset.count).toBe('50000');
    expect(grid.getAttribute('aria-rowcount')).toBe('50001');
    const ids = renderedIds();
    expect(ids.length).toBeGreaterThan(0);
    expect(ids.length).toBeLessThan(40);
    expect(ids[0]).toBe(1);
  });

  it('moves to the last row with End and renders it, still as a window', () => {
    const grid = render();
    press(grid, 'End');
    const ids = renderedIds();
    expect(ids).toContain(50_000);
    expect(ids.length).toBeLessThan(40);
    expect(grid.getAttribute('aria-activedescendant')).toBe('row-49999');
    expect(document.getElementById('row-49999')?.getAttribute('aria-selected')).toBe('true');
  });

  it('opens the active row with Enter and a row with a click', () => {
    const opened: Row[] = [];
    const grid = render(opened);
    press(grid, 'ArrowDown');
    press(grid, 'ArrowDown');
    press(grid, 'Enter');
    expect(opened.map((r) => r.id)).toEqual([2]);
    document.querySelector<HTMLElement>('[data-testid=data-row][data-id="4"]')?.click();
    expect(opened.map((r) => r.id)).toEqual([2, 4]);
  });

  it('sorts by amount, by value and not as text, from the header button, then flips', () => {
    // Cents as integers (every amount here has two decimals): the expected ends of the order.
    const cents = rows.map((r) => Number(r.amount.replace('.', '')));
    const largest = rows[cents.indexOf(Math.max(...cents))]?.amount;
    render();
    document.querySelector<HTMLButtonElement>('[data-testid=sort-amount]')?.click();
    flushSync();
    const cells = () =>
      [...document.querySelectorAll<HTMLElement>('[data-testid=data-row] [data-col=amount]')].map((c) =>
        c.textContent?.trim(),
      );
    expect(cells()[0]).toBe('0.00');
    expect(
      document.querySelector('[data-testid=sort-amount]')?.parentElement?.getAttribute('aria-sort'),
    ).toBe('ascending');
    document.querySelector<HTMLButtonElement>('[data-testid=sort-amount]')?.click();
    flushSync();
    expect(cells()[0]).toBe(largest);
    expect(
      document.querySelector('[data-testid=sort-amount]')?.parentElement?.getAttribute('aria-sort'),
    ).toBe('descending');
  });
});
