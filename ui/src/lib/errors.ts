// Commands reject with `{code, message}`. The UI chooses what to say from the code
// alone: the message is the server's or the shell's, in whatever language, for logs.

import type { MessageKey } from './i18n/translate';
import type { ClientCode, CommandError, ErrorCode } from './types';

export type AppErrorCode = ErrorCode | ClientCode;

/** The sentence, in the catalogue, that says what happened and what to do next. */
const ERROR_MESSAGES: { readonly [C in AppErrorCode]: MessageKey } = {
  bad_request: 'error.bad_request',
  invalid_body: 'error.invalid_body',
  unsupported_media_type: 'error.unsupported_media_type',
  payload_too_large: 'error.payload_too_large',
  validation_failed: 'error.validation_failed',
  unauthenticated: 'error.unauthenticated',
  invalid_credentials: 'error.invalid_credentials',
  session_expired: 'error.session_expired',
  forbidden: 'error.forbidden',
  not_found: 'error.not_found',
  method_not_allowed: 'error.method_not_allowed',
  rate_limited: 'error.rate_limited',
  invalid_cursor: 'error.invalid_cursor',
  activation_invalid: 'error.activation_invalid',
  conflict: 'error.conflict',
  balance_not_zero: 'error.balance_not_zero',
  statement_unavailable: 'error.statement_unavailable',
  offset_mismatch: 'error.offset_mismatch',
  checksum_mismatch: 'error.checksum_mismatch',
  quota_exceeded: 'error.quota_exceeded',
  upload_gone: 'error.upload_gone',
  request_in_progress: 'error.request_in_progress',
  idempotency_key_reused: 'error.idempotency_key_reused',
  password_required: 'error.password_required',
  invalid_signature: 'error.invalid_signature',
  internal: 'error.internal',
  unknown: 'error.unknown',
  offline: 'error.offline',
  needs_network: 'error.needs_network',
  invalid: 'error.invalid',
  invalid_fields: 'error.invalid_fields',
  network: 'error.network',
  timeout: 'error.timeout',
  protocol: 'error.protocol',
  invalid_server: 'error.invalid_server',
  not_logged_in: 'error.not_logged_in',
  never_synced: 'error.never_synced',
  keyring_unavailable: 'error.keyring_unavailable',
  store: 'error.store',
  io: 'error.io',
};

export const ERROR_CODES = Object.keys(ERROR_MESSAGES) as readonly AppErrorCode[];

export function isAppErrorCode(code: unknown): code is AppErrorCode {
  return typeof code === 'string' && Object.hasOwn(ERROR_MESSAGES, code);
}

/**
 * Whatever a command rejected with, as a `CommandError`: codes this build does not
 * know become `unknown` (a newer shell or server), and so do bare strings and
 * exceptions (a command missing from the shell, a bug).
 */
export function toCommandError(error: unknown): CommandError {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const { code, message } = error as { code: unknown; message?: unknown };
    return {
      code: isAppErrorCode(code) ? code : 'unknown',
      message: typeof message === 'string' ? message : '',
    };
  }
  if (error instanceof Error) return { code: 'unknown', message: error.message };
  return { code: 'unknown', message: typeof error === 'string' ? error : '' };
}

export function errorMessageKey(error: CommandError): MessageKey {
  return isAppErrorCode(error.code) ? ERROR_MESSAGES[error.code] : 'error.unknown';
}

/** Errors after which the user has to sign in again. */
export function needsSignIn(error: CommandError): boolean {
  return (
    error.code === 'unauthenticated' || error.code === 'session_expired' || error.code === 'not_logged_in'
  );
}
