// What the pay form checks before anything is sent: the same rules the server applies
// (positive, cents only, at most the balance, no cash), so a mistake shows at once,
// offline too. The server checks again: these only spare a round trip.

import { centsToMoney, parseCents } from './format';
import type { MessageKey } from './i18n/index.svelte';
import type { Installment, Money, PaymentMethod } from './types';

/** The methods offered, in the order shown; cash is listed to say why it is refused. */
export const METHODS: readonly PaymentMethod[] = ['card', 'transfer', 'direct_debit', 'cheque', 'cash'];

/** The instalments still to pay, oldest first. */
export function unpaid(installments: readonly Installment[]): Installment[] {
  return installments.filter((i) => i.status !== 'paid').sort((a, b) => a.number - b.number);
}

/** What is left to pay on the chosen instalments. */
export function amountFor(installments: readonly Installment[], numbers: readonly number[]): Money {
  let cents = 0n;
  for (const i of installments) {
    if (!numbers.includes(i.number)) continue;
    const left = (parseCents(i.amount) ?? 0n) - (parseCents(i.paid) ?? 0n);
    if (left > 0n) cents += left;
  }
  return centsToMoney(cents);
}

/** Why the order cannot be sent, or null. */
export function orderProblem(
  order: { amount: string; method: PaymentMethod },
  balance: Money,
): MessageKey | null {
  if (order.method === 'cash') return 'pay.cash_refused';
  const balanceCents = parseCents(balance) ?? 0n;
  if (balanceCents <= 0n) return 'pay.nothing_due';
  const cents = parseCents(normalizeAmount(order.amount));
  if (cents === null) return 'pay.amount_invalid';
  if (cents <= 0n) return 'pay.amount_not_positive';
  if (cents > balanceCents) return 'pay.amount_above_balance';
  return null;
}

/** "1 250,5" as typed in French → "1250.5"; the server reads the dot form only. */
export function normalizeAmount(typed: string): string {
  return typed.replace(/[\s\u00a0\u202f]/g, '').replace(',', '.');
}

/** Why a mandate cannot be sent, or null. The IBAN's checksum is the server's to check. */
export function mandateProblem(
  m: { holder: string; iban: string; day: number; amount: string },
  balance: Money,
): MessageKey | null {
  if (m.holder.trim() === '') return 'mandate.holder_missing';
  const iban = m.iban.replace(/\s/g, '');
  if (!/^[A-Za-z]{2}[0-9]{2}[A-Za-z0-9]{10,30}$/.test(iban)) return 'mandate.iban_invalid';
  if (!Number.isInteger(m.day) || m.day < 1 || m.day > 28) return 'mandate.day_invalid';
  const cents = parseCents(normalizeAmount(m.amount));
  if (cents === null) return 'pay.amount_invalid';
  if (cents <= 0n) return 'pay.amount_not_positive';
  if (cents > (parseCents(balance) ?? 0n)) return 'pay.amount_above_balance';
  return null;
}
