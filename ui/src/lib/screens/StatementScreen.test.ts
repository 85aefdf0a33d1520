import { mount, unmount } from 'svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { appContext } from '../context';
import { NBSP, NNBSP } from '../format';
import { locale } from '../i18n/index.svelte';
import { installIpc } from '../ipc';
import { demoData } from '../ipc/demo';
import { FakeIpc, sampleStatement } from '../ipc/fake';
import { Navigation } from '../stores/nav.svelte';
import { OutboxStore } from '../stores/outbox.svelte';
import { SettingsStore } from '../stores/settings.svelte';
import { StatusStore } from '../stores/status.svelte';
import { allByTestId, byTestId, demoDebtor, settle } from '../testing';
import type { DocumentSubject, StatementView, User } from '../types';
import StatementScreen from './StatementScreen.svelte';

const debtor = demoDebtor;

let fake: FakeIpc;
let component: ReturnType<typeof mount> | null = null;
const writeText = vi.fn<(text: string) => Promise<void>>();

const click = (id: string) => {
  const element = byTestId(id);
  if (!element) throw new Error(`no ${id}`);
  element.click();
};

beforeEach(() => {
  locale.lang = 'fr';
  fake = new FakeIpc({ data: demoData(2, 6) });
  fake.status.user = debtor;
  installIpc(fake);
  writeText.mockReset();
  writeText.mockResolvedValue(undefined);
  Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
});

afterEach(() => {
  if (component) unmount(component);
  component = null;
  document.body.innerHTML = '';
});

async function render(subject: DocumentSubject, initialDate: string | null = null) {
  const status = new StatusStore(fake);
  const context = appContext({
    status,
    settings: new SettingsStore(fake),
    nav: new Navigation(),
    outbox: new OutboxStore(fake),
  });
  const reference =
    subject.kind === 'dossier'
      ? subject.reference
      : (fake.data.claims.find((c) => c.id === subject.id)?.dossier_reference ?? '');
  component = mount(StatementScreen, {
    target: document.body,
    props: { subject, reference, initialDate },
    context,
  });
  await settle();
}

function dossierSubject(index = 0): DocumentSubject & { kind: 'dossier' } {
  const dossier = fake.data.dossiers[index];
  if (!dossier) throw new Error('no dossier');
  return { kind: 'dossier', reference: dossier.reference };
}

describe('the statement screen', () => {
  it('shows every line with its explanation, the summary and the total', async () => {
    const subject = dossierSubject();
    await render(subject);
    const lines = allByTestId('statement-line');
    expect(lines).toHaveLength(3);
    expect(byTestId('statement-lines')?.dataset.count).toBe('3');
    expect(lines[0]?.textContent).toContain('Facture n° 2025-014');
    const explanations = allByTestId('statement-explanation');
    expect(explanations).toHaveLength(3);
    expect(explanations[1]?.textContent).toContain('Règle : C. mon. fin. L313-2');
    expect(explanations[1]?.textContent).toContain('× 6,65 % × 120 / 365');
    expect(explanations[2]?.textContent).toContain('C. civ. 1343-1');
    const balance = fake.data.dossiers[0]?.balance ?? '';
    const total = byTestId('statement-total');
    expect(total?.dataset.amount).toBe(balance);
    expect(total?.textContent).toMatch(new RegExp(`\\d${NNBSP}?\\d*,\\d\\d${NBSP}€`));
    expect(byTestId('statement-breakdown')?.textContent).toContain('Intérêts');
    expect(byTestId('statement-origin')).toBeNull();
    expect(fake.calls.filter((c) => c.command === 'statement')).toEqual([
      { command: 'statement', args: { subject, date: null } },
    ]);
  });

  it('asks again when the date changes, and downloads at that date', async () => {
    const subject = dossierSubject();
    await render(subject);
    const input = byTestId('statement-date') as HTMLInputElement;
    expect(input.value).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    input.value = '2025-12-31';
    input.dispatchEvent(new Event('change', { bubbles: true }));
    await settle();
    expect(fake.calls.filter((c) => c.command === 'statement').at(-1)).toEqual({
      command: 'statement',
      args: { subject, date: '2025-12-31' },
    });
    expect(byTestId('statement-lines')?.dataset.asOf).toBe('2025-12-31');
    expect(byTestId('statement-lines')?.textContent).toContain('31/12/2025');

    click('statement-download');
    await settle();
    expect(fake.calls.at(-1)).toEqual({ command: 'saveStatementPdf', args: { subject, date: '2025-12-31' } });
    expect(byTestId('statement-saved')?.textContent).toContain(
      `/home/demo/Documents/decompte-${subject.reference}-2025-12-31.pdf`,
    );
  });

  it('refuses an incomplete date without asking the shell', async () => {
    await render(dossierSubject());
    const before = fake.calls.length;
    const input = byTestId('statement-date') as HTMLInputElement;
    input.value = '';
    input.dispatchEvent(new Event('change', { bubbles: true }));
    await settle();
    expect(fake.calls.length).toBe(before);
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(document.querySelector('[role="alert"]')?.textContent).toContain('date complète');
  });

  it('says loudly when the statement was computed offline', async () => {
    const subject = dossierSubject();
    fake.statementHandler = (_s, date) => ({
      statement: { ...sampleStatement('1200.00', date ?? '2026-11-21'), provisional: true },
      origin: 'provisional',
      produced_at: '2026-11-21T13:05:00Z',
    });
    await render(subject);
    const banner = byTestId('statement-origin');
    expect(banner?.dataset.origin).toBe('provisional');
    expect(banner?.textContent).toContain('PROVISOIRE');
    expect(banner?.getAttribute('role')).toBe('status');
  });

  it('dates the offline copy it shows', async () => {
    fake.statementHandler = (): StatementView => ({
      statement: sampleStatement('1200.00', '2026-11-20'),
      origin: 'cache',
      produced_at: '2026-11-20T09:30:00Z',
    });
    await render(dossierSubject());
    const banner = byTestId('statement-origin');
    expect(banner?.dataset.origin).toBe('cache');
    // Europe/Paris in the tests: 09:30 UTC is 10:30 there.
    expect(banner?.textContent).toContain('Hors ligne — copie du 20/11/2026 10:30');
  });

  it('offers the attestation de solde only once the total is zero', async () => {
    const owing = dossierSubject(0);
    await render(owing);
    const button = byTestId('attestation-download') as HTMLButtonElement;
    expect(button.disabled).toBe(true);
    expect(button.getAttribute('aria-describedby')).toBe('attestation-hint');
    expect(document.getElementById('attestation-hint')?.textContent).toContain('solde à zéro');
    button.click();
    await settle();
    expect(fake.calls.some((c) => c.command === 'saveAttestationPdf')).toBe(false);
    if (component) unmount(component);
    document.body.innerHTML = '';

    const paid = fake.data.dossiers[1];
    if (!paid) throw new Error('no second dossier');
    paid.balance = '0.00';
    await render({ kind: 'dossier', reference: paid.reference });
    const enabled = byTestId('attestation-download') as HTMLButtonElement;
    expect(enabled.disabled).toBe(false);
    enabled.click();
    await settle();
    expect(fake.calls.at(-1)).toEqual({ command: 'saveAttestationPdf', args: { reference: paid.reference } });
    expect(byTestId('statement-saved')?.textContent).toContain(`attestation-solde-${paid.reference}.pdf`);
  });

  it('shows the catalogue sentence when the server refuses the attestation', async () => {
    const paid = fake.data.dossiers[0];
    if (!paid) throw new Error('no dossier');
    paid.balance = '0.00';
    await render({ kind: 'dossier', reference: paid.reference });
    // Paid here, not yet on the server: it answers 409 balance_not_zero.
    fake.failures.saveAttestationPdf = { code: 'balance_not_zero', message: 'balance is 12.00' };
    click('attestation-download');
    await settle();
    const error = byTestId('statement-error');
    expect(error?.dataset.code).toBe('balance_not_zero');
    expect(error?.textContent).toContain('n’est pas soldé');
  });

  it('says nothing when the save dialog is cancelled', async () => {
    fake.saveFolder = null;
    await render(dossierSubject());
    click('statement-download');
    await settle();
    expect(fake.calls.at(-1)?.command).toBe('saveStatementPdf');
    expect(byTestId('statement-saved')).toBeNull();
    expect(byTestId('statement-error')).toBeNull();
  });

  it('has no attestation for a claim, and asks as declared until a date is picked', async () => {
    const claim = fake.data.claims[4];
    if (!claim) throw new Error('no claim');
    await render({ kind: 'claim', id: claim.id }, '2025-03-14');
    expect(byTestId('attestation-download')).toBeNull();
    expect(fake.calls.find((c) => c.command === 'statement')?.args).toEqual({
      subject: { kind: 'claim', id: claim.id },
      date: null,
    });
    expect(byTestId('statement-title')?.textContent).toContain(
      `Décompte de la créance ${claim.dossier_reference}`,
    );
  });
});

describe('the RIB panel', () => {
  it('shows the IBAN by four and copies it compact', async () => {
    const subject = dossierSubject();
    await render(subject);
    expect(byTestId('rib-iban')?.textContent).toBe('FR76 3000 6000 0112 3456 7890 189');
    expect(byTestId('rib-rf')?.textContent).toBe('RF18 5390 0754 7034');
    expect(byTestId('rib-holder')?.textContent).toBe('CLAIMDESK RECOUVREMENT SAS');
    expect(byTestId('rib-copied')).toBeNull();
    click('rib-copy-iban');
    await settle();
    expect(writeText).toHaveBeenCalledWith('FR7630006000011234567890189');
    expect(byTestId('rib-copied')?.textContent).toContain('Copié');
  });

  it('says so when the copy is refused', async () => {
    writeText.mockRejectedValue(new DOMException('denied', 'NotAllowedError'));
    // happy-dom has no selection copy either.
    Object.defineProperty(document, 'execCommand', { value: () => false, configurable: true });
    await render(dossierSubject());
    click('rib-copy-iban');
    await settle();
    expect(byTestId('rib-copied')).toBeNull();
    expect(byTestId('rib-copy-failed')?.textContent).toContain('Copie impossible');
  });

  it('downloads the RIB through the save dialog', async () => {
    const subject = dossierSubject();
    await render(subject);
    click('rib-download');
    await settle();
    expect(fake.calls.at(-1)).toEqual({ command: 'saveRibPdf', args: { subject } });
    expect(byTestId('rib-saved')?.textContent).toContain(`rib-${subject.reference}.pdf`);
  });

  it('speaks English when asked', async () => {
    locale.lang = 'en';
    await render(dossierSubject());
    expect(byTestId('rib-copy-iban')?.textContent?.trim()).toBe('Copy the IBAN');
    expect(byTestId('statement-download')?.textContent?.trim()).toBe('Download the PDF');
  });
});
