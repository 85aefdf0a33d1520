// Amounts are parsed from their wire string into integer cents (bigint) and printed
// from there: a float would turn "0.10" + "0.20" into 0.30000000000000004 and a large
// balance into a rounded one.

import type { Language, Money, NaiveDate } from './types';

/** U+202F NARROW NO-BREAK SPACE: the French thousands separator. */
export const NNBSP = '\u202f';
/** U+00A0 NO-BREAK SPACE: between a French amount and its currency sign. */
export const NBSP = '\u00a0';

const MONEY_PATTERN = /^([+-])?(\d+)(?:\.(\d{1,2}))?$/;

/** The amount in cents, or null when the text is not a decimal with at most two places. */
export function parseCents(amount: Money): bigint | null {
  const match = MONEY_PATTERN.exec(amount.trim());
  if (!match) return null;
  const [, sign, units = '0', decimals = ''] = match;
  const cents = BigInt(units) * 100n + BigInt(decimals.padEnd(2, '0') || '0');
  return sign === '-' ? -cents : cents;
}

/** Orders two amounts exactly; amounts that do not parse sort first. */
export function compareMoney(a: Money, b: Money): number {
  const x = parseCents(a);
  const y = parseCents(b);
  if (x === null || y === null) return x === null ? (y === null ? 0 : -1) : 1;
  return x < y ? -1 : x > y ? 1 : 0;
}

function groupDigits(digits: string, separator: string): string {
  let out = '';
  for (let i = 0; i < digits.length; i++) {
    if (i > 0 && (digits.length - i) % 3 === 0) out += separator;
    out += digits[i];
  }
  return out;
}

/**
 * "1 234,56 €" in French (U+202F between thousands, U+00A0 before the sign),
 * "€1,234.56" in English. Text that is not an amount is returned as it came, so a
 * surprising value shows up instead of breaking the whole view.
 */
export function formatMoney(amount: Money, lang: Language): string {
  const cents = parseCents(amount);
  if (cents === null) return amount;
  const negative = cents < 0n;
  const abs = negative ? -cents : cents;
  const units = (abs / 100n).toString();
  const rest = (abs % 100n).toString().padStart(2, '0');
  const sign = negative ? '-' : '';
  if (lang === 'fr') return `${sign}${groupDigits(units, NNBSP)},${rest}${NBSP}€`;
  return `${sign}€${groupDigits(units, ',')}.${rest}`;
}

/** A count with the language's thousands separator: "50 000" / "50,000". */
export function formatCount(value: number, lang: Language): string {
  const negative = value < 0;
  const digits = Math.trunc(Math.abs(value)).toString();
  return (negative ? '-' : '') + groupDigits(digits, lang === 'fr' ? NNBSP : ',');
}

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * A legal date ("2026-11-21") as "21/11/2026" in both languages; read from the
 * text, never through Date, so no time zone can move it by a day.
 */
export function formatDate(date: NaiveDate | null | undefined, _lang: Language): string {
  if (!date) return '';
  const match = DATE_PATTERN.exec(date);
  if (!match) return date;
  const [, year, month, day] = match;
  return `${day}/${month}/${year}`;
}

function pad2(n: number): string {
  return n.toString().padStart(2, '0');
}

/** An instant (RFC 3339) in local time: "21/11/2026 14:05". */
export function formatInstant(instant: string | null | undefined, lang: Language): string {
  if (!instant) return '';
  const when = new Date(instant);
  if (Number.isNaN(when.getTime())) return instant;
  const date = `${pad2(when.getDate())}/${pad2(when.getMonth() + 1)}/${when.getFullYear()}`;
  const time = `${pad2(when.getHours())}:${pad2(when.getMinutes())}`;
  return lang === 'fr' ? `${date} ${time}` : `${date}, ${time}`;
}

/** "123 456 789" for a nine-digit SIREN; anything else unchanged. */
export function formatSiren(siren: string): string {
  return /^\d{9}$/.test(siren) ? `${siren.slice(0, 3)} ${siren.slice(3, 6)} ${siren.slice(6)}` : siren;
}

/** "FR76 3000 6000 0112 …": an IBAN or RF reference by groups of four, as printed. */
export function groupByFour(identifier: string): string {
  const compact = identifier.replace(/\s+/g, '');
  return (compact.match(/.{1,4}/g) ?? []).join(' ');
}

/** Today on this machine's calendar, "YYYY-MM-DD" (not UTC's, which is a day off at night). */
export function localToday(now: Date = new Date()): NaiveDate {
  return `${now.getFullYear()}-${pad2(now.getMonth() + 1)}-${pad2(now.getDate())}`;
}

/** Seconds with one decimal from milliseconds: 1530 -> "1,5" / "1.5". */
export function formatSeconds(ms: number, lang: Language): string {
  const tenths = Math.round(ms / 100);
  const text = `${Math.trunc(tenths / 10)}${lang === 'fr' ? ',' : '.'}${Math.abs(tenths % 10)}`;
  return text;
}

/** Cents back to the wire form: -12345n -> "-123.45". */
export function centsToMoney(cents: bigint): Money {
  const negative = cents < 0n;
  const abs = negative ? -cents : cents;
  return `${negative ? '-' : ''}${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}`;
}

/** The exact sum of wire amounts; amounts that do not parse count as zero. */
export function sumMoney(amounts: Iterable<Money>): Money {
  let total = 0n;
  for (const amount of amounts) total += parseCents(amount) ?? 0n;
  return centsToMoney(total);
}
