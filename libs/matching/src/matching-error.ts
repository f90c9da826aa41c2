/** Why a market config or a snapshot was refused. */
export type MatchingErrorCode = 'INVALID_CONFIG' | 'INVALID_SNAPSHOT';

/**
 * Thrown only when building a book (from a config or a snapshot): both happen at boot, where
 * failing fast is right. Commands never throw; they return a result with a `RejectCode`.
 */
export class MatchingError extends Error {
  override readonly name = 'MatchingError';
  readonly code: MatchingErrorCode;

  constructor(code: MatchingErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
