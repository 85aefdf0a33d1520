// What the documents panel and the outbox queue decide on their own: which categories
// a user may file, whether the form may be sent, how an item of the queue reads.

import type { MessageKey } from './i18n/translate';
import type { DocumentTarget, DocumentCategory, Language, QueueItem, QueueProgress, Role } from './types';

/** In the order the picker lists them (the server's order). */
export const CATEGORIES: readonly DocumentCategory[] = [
  'proof_of_income',
  'charges',
  'proof_of_payment',
  'termination',
  'judgment',
  'balance_sheet',
  'death_and_succession',
  'insurance_claim',
  'sick_leave_or_job_loss',
  'claim_evidence',
  'list_of_claims',
  'distribution_plan',
  'certificate_of_irrecoverability',
  'court_order',
  'other',
];

/** Filed by études only (the server refuses them from anyone else). */
const MANDATAIRE_ONLY: ReadonlySet<DocumentCategory> = new Set([
  'list_of_claims',
  'distribution_plan',
  'certificate_of_irrecoverability',
  'court_order',
]);

export function isMandataireOnly(category: DocumentCategory): boolean {
  return MANDATAIRE_ONLY.has(category);
}

/** The categories `role` may file; the agency's own accounts file them all. */
export function categoriesFor(role: Role | null | undefined): DocumentCategory[] {
  const all = role === 'etude' || role === 'admin';
  return CATEGORIES.filter((c) => all || !isMandataireOnly(c));
}

export interface AddForm {
  category: DocumentCategory | '';
  note: string;
}

/** Why the form cannot be sent yet, or null when it can. */
export function formProblem(form: AddForm, role: Role | null | undefined): MessageKey | null {
  if (form.category === '') return 'documents.need_category';
  if (!categoriesFor(role).includes(form.category)) return 'documents.need_category';
  if (form.category === 'other' && form.note.trim() === '') return 'documents.need_note';
  return null;
}

/** True when every file is an image, the case where combining them into one PDF makes sense. */
export function allImages(names: readonly string[]): boolean {
  return names.length > 0 && names.every((n) => /\.(jpe?g|png|heic|heif|webp|tiff?|bmp|gif)$/i.test(n));
}

export function sameTarget(a: DocumentTarget, b: DocumentTarget): boolean {
  if (a.kind === 'dossier' && b.kind === 'dossier') return a.reference === b.reference;
  if (a.kind === 'procedure' && b.kind === 'procedure') return a.id === b.id;
  return false;
}

/** Share of the bytes the server holds, 0 to 100, whole. */
export function percent(sent: number, size: number): number {
  if (size <= 0) return 0;
  return Math.min(100, Math.floor((Math.min(sent, size) * 100) / size));
}

/** The queue with an upload's progress applied: that item is uploading, this far. */
export function withProgress(items: readonly QueueItem[], progress: QueueProgress): QueueItem[] {
  return items.map((item) => {
    if (item.id !== progress.item_id || !isWaiting(item)) return item;
    const sent = Math.max(item.sent, progress.sent);
    return { ...item, sent, percent: percent(sent, item.size), state: 'uploading' };
  });
}

export function isWaiting(item: QueueItem): boolean {
  return item.state === 'pending' || item.state === 'uploading' || item.state === 'creating';
}

/**
 * How an item's state reads. Waiting offline, it waits for the network; an item the
 * server did not take yet for a passing reason says it will be tried again.
 */
export function stateKey(item: QueueItem, online: boolean): MessageKey {
  switch (item.state) {
    case 'pending':
      if (!online) return 'queue.state.waiting_network';
      return item.error ? 'queue.state.will_retry' : 'queue.state.pending';
    case 'uploading':
      return 'queue.state.uploading';
    case 'creating':
      return 'queue.state.creating';
    case 'done':
      return 'queue.state.done';
    case 'failed':
      return 'queue.state.failed';
    case 'cancelled':
      return 'queue.state.cancelled';
  }
}

/** Waiting items first (oldest first, the order they go in), then the rest, newest first. */
export function queueOrder(items: readonly QueueItem[]): QueueItem[] {
  const waiting = items.filter((i) => isWaiting(i) || i.state === 'failed').sort((a, b) => a.id - b.id);
  const rest = items.filter((i) => !isWaiting(i) && i.state !== 'failed').sort((a, b) => b.id - a.id);
  return [...waiting, ...rest];
}

/** Sizes as people read them: 1,2 Mo / 1.2 MB. */
export function formatSize(bytes: number, lang: Language): string {
  const units = lang === 'fr' ? ['o', 'Ko', 'Mo', 'Go'] : ['B', 'KB', 'MB', 'GB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = unit === 0 || value >= 10 ? 0 : 1;
  const number = new Intl.NumberFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', {
    maximumFractionDigits: digits,
  }).format(value);
  return `${number} ${units[unit]}`;
}

/**
 * What a drop on `element` attaches to: the dossier or procedure of the row it fell
 * on, or null when it fell on neither.
 */
export function dropTarget(element: Element | null): DocumentTarget | null {
  const row = element?.closest<HTMLElement>('[data-testid="dossier-row"], [data-testid="procedure-row"]');
  const id = row?.dataset.id;
  if (!row || !id) return null;
  if (row.dataset.testid === 'dossier-row') return { kind: 'dossier', reference: id };
  const number = Number(id);
  return Number.isInteger(number) ? { kind: 'procedure', id: number } : null;
}
