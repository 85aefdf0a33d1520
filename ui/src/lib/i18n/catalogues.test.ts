import { describe, expect, it } from 'vitest';

import { ERROR_CODES, errorMessageKey } from '../errors';
import { en } from './en';
import { fr } from './fr';
import { LANGUAGES, catalogues, placeholders, translate } from './translate';

describe('catalogues', () => {
  it('have exactly the same keys in every language', () => {
    const reference = Object.keys(fr).sort();
    for (const lang of LANGUAGES) {
      expect(Object.keys(catalogues[lang]).sort(), lang).toEqual(reference);
    }
    expect(Object.keys(en).sort()).toEqual(reference);
  });

  it('have no empty message', () => {
    for (const lang of LANGUAGES) {
      for (const [key, message] of Object.entries(catalogues[lang])) {
        expect(message.trim(), `${lang}:${key}`).not.toBe('');
      }
    }
  });

  it('use the same placeholders in every language', () => {
    for (const key of Object.keys(fr) as (keyof typeof fr)[]) {
      expect(placeholders(en[key]), key).toEqual(placeholders(fr[key]));
    }
  });

  it('say something for every error code, in every language', () => {
    for (const code of ERROR_CODES) {
      const key = errorMessageKey({ code, message: '' });
      expect(key, code).toBe(`error.${code}`);
      for (const lang of LANGUAGES) expect(catalogues[lang][key], `${lang}:${code}`).toBeTruthy();
    }
  });
});

describe('translate', () => {
  it('fills placeholders and leaves unknown ones visible', () => {
    expect(translate('fr', 'status.outbox', { count: 3 })).toBe('Envois en attente : 3');
    expect(translate('en', 'status.outbox', { count: 3 })).toBe('Waiting to send: 3');
    expect(translate('en', 'status.outbox')).toBe('Waiting to send: {count}');
  });

  it('answers in the language asked', () => {
    expect(translate('fr', 'nav.home')).toBe('Accueil');
    expect(translate('en', 'nav.home')).toBe('Home');
  });
});
