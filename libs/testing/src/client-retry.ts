import { ApiError } from '@ampool/client';

/**
 * Sends a request as a careful client does: a failure it may retry (no answer, 503, 504) is
 * sent again, the same request, after `delayMs`, at most `attempts` times; a final refusal is
 * answered as its code. `onRetry` counts the retries.
 */
export async function sendLikeAClient<T>(send: () => Promise<T>, options: { attempts?: number; delayMs?: number; onRetry?: () => void } = {}): Promise<{ ok: true; value: T } | { ok: false; code: string }> {
  const attempts = options.attempts ?? 120;
  for (let attempt = 1; ; attempt++) {
    try {
      return { ok: true, value: await send() };
    } catch (error) {
      const retryable = !(error instanceof ApiError) || [503, 504].includes(error.status);
      if (!retryable) return { ok: false, code: (error as ApiError).body?.code ?? 'ERROR' };
      if (attempt >= attempts) throw error;
      options.onRetry?.();
      await new Promise((r) => setTimeout(r, options.delayMs ?? 200));
    }
  }
}
