/**
 * A problem with the local environment that the user can fix: the message says exactly
 * what to do, and callers print it as it is (never a stack trace).
 */
export class BootstrapError extends Error {
  override readonly name = 'BootstrapError';
}
