import { describe, expect, it } from 'vitest';

import { errorMessageKey, needsSignIn, toCommandError } from './errors';

describe('toCommandError', () => {
  it('keeps the code and message of a command error', () => {
    expect(toCommandError({ code: 'invalid_credentials', message: 'nope' })).toEqual({
      code: 'invalid_credentials',
      message: 'nope',
    });
    expect(toCommandError({ code: 'offline', message: 'unreachable' }).code).toBe('offline');
  });

  it('turns codes this build does not know, strings and exceptions into unknown', () => {
    expect(toCommandError({ code: 'brand_new', message: 'x' })).toEqual({ code: 'unknown', message: 'x' });
    expect(toCommandError('command procedures not found')).toEqual({
      code: 'unknown',
      message: 'command procedures not found',
    });
    expect(toCommandError(new TypeError('boom'))).toEqual({ code: 'unknown', message: 'boom' });
    expect(toCommandError(undefined)).toEqual({ code: 'unknown', message: '' });
  });
});

describe('what the UI says', () => {
  it('is chosen by the code, never by the message', () => {
    expect(errorMessageKey({ code: 'rate_limited', message: 'invalid credentials' })).toBe(
      'error.rate_limited',
    );
    expect(errorMessageKey({ code: 'keyring_unavailable', message: '' })).toBe('error.keyring_unavailable');
  });

  it('sends the user back to sign-in only for session errors', () => {
    expect(needsSignIn({ code: 'session_expired', message: '' })).toBe(true);
    expect(needsSignIn({ code: 'unauthenticated', message: '' })).toBe(true);
    expect(needsSignIn({ code: 'not_logged_in', message: '' })).toBe(true);
    expect(needsSignIn({ code: 'offline', message: '' })).toBe(false);
    expect(needsSignIn({ code: 'forbidden', message: '' })).toBe(false);
  });
});
