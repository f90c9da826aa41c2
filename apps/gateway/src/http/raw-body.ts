import { isUtf8 } from 'node:buffer';
import type { Request } from 'express';

/**
 * The JSON parser's verify hook: keeps the exact bytes (signatures cover the Content-Digest
 * of the body as sent) and refuses a body that is not valid UTF-8, which the parser would
 * otherwise decode into replacement characters and accept.
 */
export function keepRawUtf8Body(req: Request, _res: unknown, raw: Buffer): void {
  if (!isUtf8(raw)) throw Object.assign(new Error('the body is not valid UTF-8'), { type: 'encoding.invalid', status: 400 });
  req.rawBody = raw;
}
