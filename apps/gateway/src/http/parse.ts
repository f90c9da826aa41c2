import type { z } from 'zod';
import { AppError, ErrorCode, validationError } from '@ampool/contracts';

/** Validates an HTTP body or path parameters against a contract schema, or throws VALIDATION_FAILED. */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown, what = 'request'): z.output<S> {
  if (value === undefined) {
    throw new AppError(ErrorCode.VALIDATION_FAILED, 'the body must be a JSON object sent as content-type application/json');
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw validationError(parsed.error, what);
  return parsed.data;
}
