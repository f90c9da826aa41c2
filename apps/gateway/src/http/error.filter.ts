import { ArgumentsHost, Catch, HttpException, Logger, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { AppError, ErrorCode, classifyTransient, httpStatusFor, type ErrorBody } from '@ampool/contracts';

/**
 * Seconds a client is told to wait before retrying a request that found a service, its
 * database or the broker unavailable: about how long a restarted instance takes to answer.
 */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 1;

/**
 * The one place where failures become HTTP responses: every error is JSON with a stable
 * code, and the status follows from the code. No stack trace ever reaches a client.
 * RATE_LIMITED (429) and UPSTREAM_UNAVAILABLE (503) carry Retry-After; UPSTREAM_TIMEOUT is 504.
 */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('Gateway');

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const body = this.toBody(exception);
    if (body.code === ErrorCode.RATE_LIMITED) {
      const wait = (body.details as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds ?? 1;
      res.setHeader('Retry-After', String(wait));
    } else if (body.code === ErrorCode.UPSTREAM_UNAVAILABLE) {
      res.setHeader('Retry-After', String(UNAVAILABLE_RETRY_AFTER_SECONDS));
    }
    res.status(httpStatusFor(body.code)).json(body);
  }

  private toBody(exception: unknown): ErrorBody {
    if (exception instanceof AppError) return exception.toBody();
    // Body-parser failures carry a `type`, on the error itself or, once Nest's adapter has
    // wrapped it in an HttpException, on its `cause`.
    const e = exception as { type?: string; cause?: { type?: string } };
    const type = e?.type ?? e?.cause?.type;
    if (type === 'entity.parse.failed') return { code: ErrorCode.MALFORMED_JSON, message: 'the body is not valid JSON' };
    if (type === 'entity.too.large') return { code: ErrorCode.PAYLOAD_TOO_LARGE, message: 'the body is larger than allowed' };
    if (type === 'encoding.invalid') return { code: ErrorCode.VALIDATION_FAILED, message: 'the body is not valid UTF-8' };
    if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
      return { code: ErrorCode.VALIDATION_FAILED, message: 'the body must be UTF-8 JSON' };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      if (status === 404) return { code: ErrorCode.NOT_FOUND, message: 'no such route' };
      if (status === 413) return { code: ErrorCode.PAYLOAD_TOO_LARGE, message: 'the body is larger than allowed' };
      if (status < 500) return { code: ErrorCode.VALIDATION_FAILED, message: exception.message };
    }
    // The gateway's own use of NATS (the nonce store, the live feed) fails like a service's would.
    const transient = classifyTransient(exception);
    if (transient) {
      this.logger.warn(`request failed with ${transient.code}: ${(exception as Error)?.message ?? String(exception)}`);
      return transient;
    }
    this.logger.error('unhandled error', (exception as Error)?.stack ?? String(exception));
    return { code: ErrorCode.INTERNAL, message: 'internal error' };
  }
}
