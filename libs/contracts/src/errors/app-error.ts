import type { ZodError } from 'zod';
import { ErrorCode, isErrorCode } from './error-code';
import { classifyTransient } from './transient-error';

/** What travels on the wire (NATS reply or HTTP body) when a request fails. */
export interface ErrorBody {
  code: ErrorCode;
  message: string;
  details?: unknown;
}

/**
 * A failure with a stable code. Services throw it for every expected failure; anything else
 * that escapes a handler is reported to the caller as INTERNAL and logged in full.
 */
export class AppError extends Error {
  override readonly name = 'AppError';

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }

  /** The wire form of this error. */
  toBody(): ErrorBody {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

/** One entry of a VALIDATION_FAILED error's details: where and what. */
export interface FieldIssue {
  path: string;
  message: string;
}

/** Turns a zod failure into VALIDATION_FAILED with one entry per problem (at most 20). */
export function validationError(error: ZodError, what = 'request'): AppError {
  const issues: FieldIssue[] = error.issues.slice(0, 20).map((issue) => ({
    path: issue.path.map(String).join('.') || '(root)',
    message: issue.message,
  }));
  const first = issues[0];
  const summary = first ? `${first.path}: ${first.message}` : 'invalid';
  return new AppError(ErrorCode.VALIDATION_FAILED, `invalid ${what}: ${summary}`, { issues });
}

/** True when `value` has the shape of an ErrorBody with a known code. */
export function isErrorBody(value: unknown): value is ErrorBody {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return isErrorCode(v.code) && typeof v.message === 'string';
}

/**
 * The error body a caller should see for any thrown value: AppErrors keep their code; a
 * database or broker that is unreachable, restarting or too slow becomes UPSTREAM_UNAVAILABLE
 * or UPSTREAM_TIMEOUT (the caller may retry with the same id); anything else becomes INTERNAL.
 * No message or stack of a foreign error leaks.
 */
export function toErrorBody(error: unknown): ErrorBody {
  if (error instanceof AppError) return error.toBody();
  if (isErrorBody(error)) return error;
  return classifyTransient(error) ?? { code: ErrorCode.INTERNAL, message: 'internal error' };
}

/**
 * The same decision as `toErrorBody`, as an AppError to throw or hand to waiters; `message`
 * is what an INTERNAL failure says.
 */
export function asAppError(error: unknown, message = 'internal error'): AppError {
  if (error instanceof AppError) return error;
  if (isErrorBody(error)) return new AppError(error.code, error.message, error.details);
  const transient = classifyTransient(error);
  return transient ? new AppError(transient.code, transient.message) : new AppError(ErrorCode.INTERNAL, message);
}
