// The language in force, as reactive state: every `t(...)` in a template re-renders
// when it changes.

import type { Language } from '../types';
import { translate, type MessageKey, type Params } from './translate';

export { LANGUAGES, isLanguage, type MessageKey, type Params } from './translate';

export const locale: { lang: Language } = $state({ lang: 'fr' });

export function t(key: MessageKey, params?: Params): string {
  return translate(locale.lang, key, params);
}

export function setLanguage(lang: Language): void {
  locale.lang = lang;
}
