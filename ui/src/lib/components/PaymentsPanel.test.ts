import { mount, unmount } from 'svelte';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { locale } from '../i18n/index.svelte';
import { installIpc } from '../ipc';
import { demoData } from '../ipc/demo';
import { FakeIpc } from '../ipc/fake';
import { amountFor, orderProblem } from '../payments';
import type { OutboxStore } from '../stores/outbox.svelte';
import type { StatusStore } from '../stores/status.svelte';
import { allByTestId, byTestId, click, demoDebtor, demoEtude, settle, typeInto, startApp } from '../testing';
import type { NewPayment, User } from '../types';
import PaymentsPanel from './PaymentsPanel.svelte';

const debtor = demoDebtor;
const etude = demoEtude;

let fake: FakeIpc;
let status: StatusStore;
let outbox: OutboxStore;
let reference: string;
let components: ReturnType<typeof mount>[] = [];

const orders = () => fake.calls.filter((c) => c.command === 'orderPayment').map((c) => c.args as NewPayment);

beforeEach(() => {
  locale.lang = 'en';
  fake = new FakeIpc({ data: demoData(3, 3) });
  reference = fake.data.dossiers[0]?.reference ?? '';
  installIpc(fake);
});

afterEach(() => {
  for (const component of components) unmount(component);
  components = [];
  outbox?.stop();
  document.body.innerHTML = '';
});

async function render(user: User = debtor) {
  let context;
  ({ status, outbox, context } = await startApp(fake, user));
  components.push(mount(PaymentsPanel, { target: document.body, props: { reference }, context }));
  await settle();
}

describe('the pay form rules', () => {
  it('sums what is left on the instalments picked, to the cent', () => {
    const installments = [
      {
        id: 1,
        dossier_reference: 'D',
        number: 1,
        due_date: '2026-01-05',
        amount: '100.10',
        paid: '0.05',
        status: 'partly_paid' as const,
      },
      {
        id: 2,
        dossier_reference: 'D',
        number: 2,
        due_date: '2026-02-05',
        amount: '0.20',
        paid: '0.00',
        status: 'unpaid' as const,
      },
    ];
    expect(amountFor(installments, [1, 2])).toBe('100.25');
    expect(amountFor(installments, [2])).toBe('0.20');
  });

  it('refuses cash, nothing, three decimals and more than the balance', () => {
    expect(orderProblem({ amount: '10', method: 'cash' }, '100.00')).toBe('pay.cash_refused');
    expect(orderProblem({ amount: '0', method: 'card' }, '100.00')).toBe('pay.amount_not_positive');
    expect(orderProblem({ amount: '1.005', method: 'card' }, '100.00')).toBe('pay.amount_invalid');
    expect(orderProblem({ amount: '100.01', method: 'card' }, '100.00')).toBe('pay.amount_above_balance');
    expect(orderProblem({ amount: '1 250,50', method: 'transfer' }, '2000.00')).toBeNull();
    expect(orderProblem({ amount: '1', method: 'transfer' }, '0.00')).toBe('pay.nothing_due');
  });
});

describe('the payments panel', () => {
  it('shows what is due and fills the amount from the instalments picked', async () => {
    await render();
    expect(byTestId('due-balance')?.textContent).toContain('€');
    const boxes = allByTestId<HTMLInputElement>('pay-installment');
    // The demo's first two instalments are paid: ten are left to pick.
    expect(boxes).toHaveLength(10);
    boxes[0]?.click();
    boxes[1]?.click();
    await settle();
    expect(byTestId<HTMLInputElement>('pay-amount')?.value).toBe('2500.00');
  });

  it('sends a transfer order and shows the details to copy with the QR code', async () => {
    await render();
    allByTestId<HTMLInputElement>('pay-installment')[0]?.click();
    await settle();
    await click('pay-method-transfer');
    await click('pay-submit');
    expect(orders()).toEqual([
      { dossier_reference: reference, amount: '1250.00', method: 'transfer', installments: [3] },
    ]);
    expect(byTestId('transfer-iban')?.textContent).toBe('FR76 3000 6000 0112 3456 7890 189');
    expect(byTestId('transfer-reference')?.textContent?.startsWith('RF')).toBe(true);
    expect(byTestId('transfer-qr')?.querySelector('svg')?.getAttribute('data-payload')).toContain(
      'EUR1250.00',
    );
    await click('transfer-save-pdf');
    expect(fake.saved.at(-1)).toMatch(/^virement-\d+\.pdf$/);
    expect(allByTestId('payment-row')).toHaveLength(1);
  });

  it('refuses cash with the reason and an amount above the balance, sending nothing', async () => {
    await render();
    await click('pay-method-cash');
    expect(byTestId('pay-problem')?.textContent).toContain('not accepted');
    expect(byTestId<HTMLButtonElement>('pay-submit')?.disabled).toBe(true);
    await click('pay-method-transfer');
    await typeInto('pay-amount', '99999999.00');
    await click('pay-submit');
    expect(byTestId('pay-problem')?.textContent).toContain('more than the balance');
    expect(orders()).toEqual([]);
  });

  it('queues a transfer offline and still shows how to pay', async () => {
    fake.status.online = false;
    await render();
    await typeInto('pay-amount', '100');
    await click('pay-method-transfer');
    await click('pay-submit');
    expect(byTestId('pay-queued')).not.toBeNull();
    expect(byTestId('transfer-amount')?.textContent).toContain('100.00');
  });

  it('says a card payment needs the network, and shows the refusal offline', async () => {
    fake.status.online = false;
    await render();
    await typeInto('pay-amount', '100');
    await click('pay-method-card');
    expect(byTestId('pay-card-offline')).not.toBeNull();
    await click('pay-submit');
    expect(document.body.textContent).toContain('cannot be reached');
    expect(fake.browsed).toEqual([]);
  });

  it('opens the card page in the browser and follows the payment until it is received', async () => {
    await render();
    await typeInto('pay-amount', '100');
    await click('pay-method-card');
    await click('pay-submit');
    expect(fake.browsed).toHaveLength(1);
    expect(byTestId('pay-card-status')?.textContent).toContain('browser');
    const payment = fake.paymentsData[0];
    if (!payment) throw new Error('no payment');
    payment.status = 'succeeded';
    payment.paid_on = '2026-11-21';
    status.dataVersion += 1;
    await settle();
    expect(byTestId('pay-card-status')?.textContent).toContain('Payment received');
    await click('payment-receipt');
    expect(fake.saved.at(-1)).toBe(`recu-${payment.id}.pdf`);
  });

  it('asks the password again to replace a direct-debit mandate', async () => {
    await render();
    await click('pay-method-direct_debit');
    await typeInto('mandate-holder', 'Boulangerie Dupont');
    await typeInto('mandate-iban', 'FR76 3000 6000 0112 3456 7890 189');
    await typeInto('mandate-amount', '250');
    await click('mandate-submit');
    expect(byTestId('mandate-created')?.textContent).toContain('UMR-');
    await click('mandate-submit');
    expect(document.body.textContent).toContain('password');
    await typeInto('mandate-password', 'secret');
    await click('mandate-submit');
    expect(fake.mandatesData.map((m) => m.status)).toEqual(['revoked', 'active']);
    const sent = fake.calls.filter((c) => c.command === 'createMandate').map((c) => JSON.stringify(c.args));
    expect(sent.some((args) => args.includes('secret'))).toBe(false);
  });

  it('offers études the history but no pay form', async () => {
    await render(etude);
    expect(byTestId('due-balance')).not.toBeNull();
    expect(byTestId('pay-form')).toBeNull();
    expect(byTestId('payments-empty')).not.toBeNull();
  });
});
