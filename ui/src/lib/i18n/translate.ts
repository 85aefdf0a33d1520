import { en } from './en';
import { fr, type Catalogue, type MessageKey } from './fr';
import type { Language } from '../types';

export type { Catalogue, MessageKey };

export const catalogues: { readonly [L in Language]: Catalogue } = { fr, en };

export const LANGUAGES: readonly Language[] = ['fr', 'en'];

export type Params = Readonly<Record<string, string | number>>;

/** The names of the `{placeholders}` of a message, sorted. */
export function placeholders(message: string): string[] {
  return [...message.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '').sort();
}

/** Fills `{name}` placeholders; one without a value stays visible rather than vanishing. */
export function translate(lang: Language, key: MessageKey, params?: Params): string {
  const message = catalogues[lang][key];
  if (!params) return message;
  return message.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.hasOwn(params, name) ? String(params[name]) : whole,
  );
}

export function isLanguage(value: unknown): value is Language {
  return value === 'fr' || value === 'en';
}
