import { describe, expect, it } from 'vitest';

import {
  NBSP,
  NNBSP,
  centsToMoney,
  compareMoney,
  formatCount,
  formatDate,
  formatInstant,
  formatMoney,
  formatSeconds,
  formatSiren,
  parseCents,
  sumMoney,
} from './format';

describe('parseCents', () => {
  it('reads the wire form exactly', () => {
    expect(parseCents('1234.56')).toBe(123456n);
    expect(parseCents('0.01')).toBe(1n);
    expect(parseCents('-0.10')).toBe(-10n);
    expect(parseCents('12')).toBe(1200n);
    expect(parseCents('12.5')).toBe(1250n);
  });

  it('keeps cents exact beyond the range of a double', () => {
    expect(parseCents('90071992547409.93')).toBe(9007199254740993n);
  });

  it('refuses what is not an amount', () => {
    for (const bad of ['', 'abc', '1.234', '1,50', '1e3', '--1.00', '.50', 'NaN']) {
      expect(parseCents(bad), bad).toBeNull();
    }
  });
});

describe('formatMoney in French', () => {
  it('uses a narrow no-break space for thousands and a no-break space before the euro sign', () => {
    expect(formatMoney('1234.56', 'fr')).toBe(`1${NNBSP}234,56${NBSP}€`);
    expect(formatMoney('1234.56', 'fr')).toBe('1\u202f234,56\u00a0€');
  });

  it('prints cents, small and round amounts', () => {
    expect(formatMoney('0.00', 'fr')).toBe(`0,00${NBSP}€`);
    expect(formatMoney('0.05', 'fr')).toBe(`0,05${NBSP}€`);
    expect(formatMoney('0.5', 'fr')).toBe(`0,50${NBSP}€`);
    expect(formatMoney('999.99', 'fr')).toBe(`999,99${NBSP}€`);
    expect(formatMoney('1000', 'fr')).toBe(`1${NNBSP}000,00${NBSP}€`);
  });

  it('groups every three digits of large values without losing a cent', () => {
    expect(formatMoney('1234567.89', 'fr')).toBe(`1${NNBSP}234${NNBSP}567,89${NBSP}€`);
    expect(formatMoney('100000000.00', 'fr')).toBe(`100${NNBSP}000${NNBSP}000,00${NBSP}€`);
    expect(formatMoney('90071992547409.93', 'fr')).toBe(
      `90${NNBSP}071${NNBSP}992${NNBSP}547${NNBSP}409,93${NBSP}€`,
    );
  });

  it('prints negatives with a leading minus', () => {
    expect(formatMoney('-1234.56', 'fr')).toBe(`-1${NNBSP}234,56${NBSP}€`);
    expect(formatMoney('-0.01', 'fr')).toBe(`-0,01${NBSP}€`);
    expect(formatMoney('-0.00', 'fr')).toBe(`0,00${NBSP}€`);
  });
});

describe('formatMoney in English', () => {
  it('puts the sign first and uses commas and a point', () => {
    expect(formatMoney('1234.56', 'en')).toBe('€1,234.56');
    expect(formatMoney('0.07', 'en')).toBe('€0.07');
    expect(formatMoney('1234567.8', 'en')).toBe('€1,234,567.80');
    expect(formatMoney('-1234.56', 'en')).toBe('-€1,234.56');
    expect(formatMoney('90071992547409.93', 'en')).toBe('€90,071,992,547,409.93');
  });
});

describe('formatMoney with a value that is not an amount', () => {
  it('shows it unchanged rather than inventing a number', () => {
    expect(formatMoney('n/a', 'fr')).toBe('n/a');
    expect(formatMoney('1.234', 'en')).toBe('1.234');
  });
});

describe('exact arithmetic on amounts', () => {
  it('adds without floating-point drift', () => {
    expect(sumMoney(['0.10', '0.20'])).toBe('0.30');
    expect(sumMoney(Array.from({ length: 1000 }, () => '0.01'))).toBe('10.00');
    expect(sumMoney(['90071992547409.93', '0.01'])).toBe('90071992547409.94');
    expect(sumMoney([])).toBe('0.00');
  });

  it('writes cents back in the wire form', () => {
    expect(centsToMoney(123456n)).toBe('1234.56');
    expect(centsToMoney(-5n)).toBe('-0.05');
    expect(centsToMoney(0n)).toBe('0.00');
  });

  it('compares amounts by value, not as text', () => {
    expect(compareMoney('9.99', '10.00')).toBeLessThan(0);
    expect(compareMoney('100.00', '99.99')).toBeGreaterThan(0);
    expect(compareMoney('-5.00', '1.00')).toBeLessThan(0);
    expect(compareMoney('1.5', '1.50')).toBe(0);
  });
});

describe('formatDate', () => {
  it('prints a legal date day first in both languages', () => {
    expect(formatDate('2026-11-21', 'fr')).toBe('21/11/2026');
    expect(formatDate('2026-11-21', 'en')).toBe('21/11/2026');
    expect(formatDate('2027-01-05', 'fr')).toBe('05/01/2027');
  });

  it('never moves a date through a time zone', () => {
    // Midnight UTC is the previous evening in America: parsing through Date would show the 31st.
    expect(formatDate('2026-01-01', 'fr')).toBe('01/01/2026');
  });

  it('returns nothing for no date and the text for a malformed one', () => {
    expect(formatDate(null, 'fr')).toBe('');
    expect(formatDate('21/11/2026', 'fr')).toBe('21/11/2026');
  });
});

describe('formatInstant', () => {
  it('prints an instant in local time (Europe/Paris in the tests)', () => {
    expect(formatInstant('2026-11-21T13:05:00Z', 'fr')).toBe('21/11/2026 14:05');
    expect(formatInstant('2026-07-01T22:30:00Z', 'fr')).toBe('02/07/2026 00:30');
    expect(formatInstant('2026-11-21T13:05:00Z', 'en')).toBe('21/11/2026, 14:05');
    expect(formatInstant(null, 'fr')).toBe('');
  });
});

describe('other formats', () => {
  it('groups counts like amounts', () => {
    expect(formatCount(50000, 'fr')).toBe(`50${NNBSP}000`);
    expect(formatCount(50000, 'en')).toBe('50,000');
    expect(formatCount(999, 'fr')).toBe('999');
    expect(formatCount(0, 'en')).toBe('0');
  });

  it('splits a SIREN in threes', () => {
    expect(formatSiren('732829320')).toBe('732 829 320');
    expect(formatSiren('12345')).toBe('12345');
  });

  it('prints durations in seconds with one decimal', () => {
    expect(formatSeconds(1530, 'fr')).toBe('1,5');
    expect(formatSeconds(1530, 'en')).toBe('1.5');
    expect(formatSeconds(40, 'en')).toBe('0.0');
  });
});

describe('identifiers by four', () => {
  it('groups an IBAN and an RF reference as printed, whatever the spacing', async () => {
    const { groupByFour } = await import('./format');
    expect(groupByFour('FR7630006000011234567890189')).toBe('FR76 3000 6000 0112 3456 7890 189');
    expect(groupByFour('RF18 5390 0754 7034')).toBe('RF18 5390 0754 7034');
    expect(groupByFour('')).toBe('');
  });

  it('takes today from the local calendar', async () => {
    const { localToday } = await import('./format');
    expect(localToday(new Date(2026, 10, 21, 23, 59))).toBe('2026-11-21');
    expect(localToday(new Date(2026, 0, 2, 0, 1))).toBe('2026-01-02');
  });
});
