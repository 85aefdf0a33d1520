import type { MessageKey } from './i18n/translate';
import type { SortValue, ValueType } from './sort';

/** A column of a sortable table. */
export interface Column<T> {
  id: string;
  label: MessageKey;
  /** CSS grid track: "minmax(10rem, 2fr)", "8rem"... */
  width: string;
  type: ValueType;
  /** What the column sorts on. */
  value: (row: T) => SortValue;
  /** What the cell shows (called during rendering, so it follows the language). */
  text: (row: T) => string;
  align?: 'start' | 'end';
}
