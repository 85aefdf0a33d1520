import { mount, unmount } from 'svelte';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { locale } from '../i18n/index.svelte';
import { installIpc } from '../ipc';
import { demoData } from '../ipc/demo';
import { FakeIpc } from '../ipc/fake';
import { catalog, mediation } from '../requests.svelte';
import type { OutboxStore } from '../stores/outbox.svelte';
import type { StatusStore } from '../stores/status.svelte';
import { allByTestId, byTestId, click, demoDebtor, demoEtude, settle, typeInto, startApp } from '../testing';
import type { NewRequest, Request, User } from '../types';
import RequestsPanel from './RequestsPanel.svelte';

let fake: FakeIpc;
let status: StatusStore;
let outbox: OutboxStore;
let reference: string;
let components: ReturnType<typeof mount>[] = [];

const sent = () =>
  fake.calls
    .filter((c) => c.command === 'sendRequest')
    .map((c) => (c.args as { request: NewRequest }).request);

function complaint(patch: Partial<Request> = {}): Request {
  return {
    id: 1,
    dossier_reference: reference,
    type: 'complaint',
    fields: { reason: 'disputed_amount', description: 'Le montant est faux.' },
    attachments: [],
    status: 'sent',
    author: 'Jean Dupont',
    created_at: '2026-09-01T09:00:00Z',
    acknowledged_at: null,
    answered_at: null,
    closed_at: null,
    mediation_from: '2026-11-01T09:00:00Z',
    referred_at: null,
    ...patch,
  };
}

beforeEach(() => {
  locale.lang = 'en';
  catalog.types = [];
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

async function render(user: User = demoDebtor, ref: string | null = reference) {
  let context;
  ({ status, outbox, context } = await startApp(fake, user));
  components.push(
    mount(RequestsPanel, {
      target: document.body,
      props: { reference: ref, known: [['Dossier', ref ?? '']] },
      context,
    }),
  );
  await settle();
}

describe('a new request', () => {
  it('asks debtors the questions that are theirs, études theirs', async () => {
    await render();
    await click('request-new');
    expect(byTestId('request-question-payment_made')).not.toBeNull();
    expect(byTestId('request-question-mandataire_documents')).toBeNull();
    for (const c of components) unmount(c);
    components = [];
    document.body.innerHTML = '';
    await render(demoEtude);
    await click('request-new');
    expect(byTestId('request-question-mandataire_documents')).not.toBeNull();
    expect(byTestId('request-question-payment_made')).toBeNull();
  });

  it('says which field is missing in the user’s language and sends nothing', async () => {
    await render();
    await click('request-new');
    await click('request-question-payment_made');
    await click('request-review');
    expect(byTestId('request-problem-payment_date')?.textContent).toBe('Payment date: required.');
    expect(byTestId('request-problem-amount')?.textContent).toBe('Amount (€): required.');
    locale.lang = 'fr';
    await click('request-review');
    expect(byTestId('request-problem-amount')?.textContent).toBe('Montant (€) : à renseigner.');
    expect(sent()).toEqual([]);
  });

  it('previews what goes with what the dossier knows, then sends it once', async () => {
    await render();
    await click('request-new');
    await click('request-question-payment_made');
    await typeInto('request-field-payment_date', '2026-10-02');
    await typeInto('request-field-amount', '120.00');
    await click('request-review');
    const preview = byTestId('request-preview')?.textContent ?? '';
    expect(preview).toContain(reference);
    expect(preview).toContain('120.00');
    await click('request-send');
    expect(sent()).toEqual([
      {
        dossier_reference: reference,
        type: 'payment_made',
        fields: { payment_date: '2026-10-02', amount: '120.00' },
        attachments: [],
        password: undefined,
      },
    ]);
    expect(byTestId('request-thread')).not.toBeNull();
  });

  it('says an offline request waits to be sent', async () => {
    fake.status.online = false;
    await render();
    await click('request-new');
    await click('request-question-statement');
    await click('request-review');
    await click('request-send');
    expect(byTestId('request-sent-note')?.textContent).toContain('sent once');
  });
});

describe('threads', () => {
  it('counts unread answers until the thread is read', async () => {
    fake.requestsData = [complaint()];
    fake.messagesData = [
      {
        id: 9,
        request_id: 1,
        author: 'agency',
        author_name: 'Sophie Bernard',
        text: 'Nous vérifions.',
        attachments: [],
        created_at: '2026-09-03T10:00:00Z',
      },
    ];
    await render(demoDebtor, null);
    expect(byTestId('request-row')?.dataset.unread).toBe('1');
    await click('request-open');
    expect(allByTestId('thread-message').map((m) => m.dataset.author)).toEqual(['agency']);
    await click('thread-back');
    expect(byTestId('request-row')?.dataset.unread).toBe('0');
  });

  it('shows the mediation clock, then refers the complaint when it is time', async () => {
    fake.requestsData = [complaint({ mediation_from: '2099-01-01T00:00:00Z' })];
    await render();
    await click('request-open');
    expect(byTestId('mediation-waiting')?.textContent).toContain('01/01/2099');
    expect(byTestId('request-thread')?.textContent).toContain('Reason');
    expect(byTestId('escalate')).toBeNull();
    fake.requestsData = [complaint()];
    status.dataVersion += 1;
    await settle();
    await click('escalate');
    expect(byTestId('mediation-referred')).not.toBeNull();
    expect(byTestId('thread-status')?.textContent).toBe('Referred to the mediator');
  });

  it('reads the clock from the server’s dates only', () => {
    const now = new Date('2026-10-31T09:00:00Z');
    expect(mediation(complaint(), now)).toEqual({ kind: 'waiting', from: '2026-11-01T09:00:00Z' });
    expect(mediation(complaint(), new Date('2026-11-01T09:00:00Z'))).toEqual({ kind: 'open' });
    expect(mediation(complaint({ type: 'question', mediation_from: null }), now)).toEqual({ kind: 'none' });
  });
});
