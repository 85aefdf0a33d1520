// Requests in words. Type and field names come from the shell's catalogue, in French
// and English, the same the command line prints; the plain-language questions that
// lead to a type, choices and statuses are the UI's own.

import { locale, t, type MessageKey } from './i18n/index.svelte';
import { ipc } from './ipc';
import type { FieldProblemView, Localized, Request, RequestType, RequestTypeInfo, Role } from './types';

/** The shell's catalogue of request types, loaded once. */
export const catalog = $state<{ types: RequestTypeInfo[] }>({ types: [] });

export async function loadCatalog(): Promise<RequestTypeInfo[]> {
  if (catalog.types.length === 0) catalog.types = await ipc().requestTypes();
  return catalog.types;
}

const say = (text: Localized) => (locale.lang === 'fr' ? text.fr : text.en);

/** The types a user may pick: études ask for what a mandataire needs, others the rest. */
export function typesFor(all: readonly RequestTypeInfo[], role: Role | undefined): RequestTypeInfo[] {
  return all.filter((v) => (role === 'etude' ? ETUDE_TYPES.has(v.type) : !v.for_mandataires));
}

const ETUDE_TYPES: ReadonlySet<RequestType> = new Set([
  'mandataire_documents',
  'statement',
  'procedure_status',
  'question',
]);

export function typeLabel(type: RequestType): string {
  const info = catalog.types.find((v) => v.type === type);
  return info ? say(info.label) : type;
}

export function questionLabel(type: RequestType): string {
  return t(`request.question.${type}` as MessageKey);
}

/** A field's name as a form shows it (the catalogue's are for sentences: lower case). */
export function labelOf(label: Localized): string {
  const text = say(label);
  return text.charAt(0).toLocaleUpperCase(locale.lang) + text.slice(1);
}

export function fieldLabel(name: string): string {
  for (const info of catalog.types) {
    const field = info.fields.find((f) => f.name === name);
    if (field) return labelOf(field.label);
  }
  return name;
}

export function choiceLabel(choice: string): string {
  return t(`request.choice.${choice}` as MessageKey);
}

/** Problems by field name, in the user's language, for showing each under its field. */
export function problemsByField(problems: readonly FieldProblemView[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const p of problems) if (!out.has(p.field)) out.set(p.field, say(p.text));
  return out;
}

/** Where a complaint stands with the mediator at `now` (the server's dates decide). */
export function mediation(
  request: Request,
  now: Date = new Date(),
):
  { kind: 'none' } | { kind: 'waiting'; from: string } | { kind: 'open' } | { kind: 'referred'; at: string } {
  if (request.type !== 'complaint' || request.mediation_from === null) return { kind: 'none' };
  if (request.referred_at) return { kind: 'referred', at: request.referred_at };
  if (request.status === 'closed') return { kind: 'none' };
  return new Date(request.mediation_from) <= now
    ? { kind: 'open' }
    : { kind: 'waiting', from: request.mediation_from };
}
