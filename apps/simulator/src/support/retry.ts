import { ApiError } from '@ampool/client';

/**
 * Calls `attempt` again when the gateway answered 429 (after the Retry-After it named, at most
 * two seconds) or 503, up to `tries` times. Only for calls that are safe to repeat: a refused
 * request changed nothing, and ids chosen by the client make the rest idempotent.
 */
export async function politely<T>(attempt: () => Promise<T>, tries = 30): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (error) {
      const again = error instanceof ApiError && (error.status === 429 || error.status === 503) && i < tries;
      if (!again) throw error;
      const waitMs = Math.min(2_000, (error.retryAfterSeconds ?? 0.2) * 1000) * (0.75 + Math.random() / 2);
      await new Promise((r) => setTimeout(r, waitMs));
    }
  }
}

/**
 * For requests with a client-chosen id, where a retry returns the first result: also repeats
 * after a timeout or a lost connection, when the first attempt's outcome is unknown — the
 * answer to the retry says what happened, so nothing is lost or counted twice.
 */
export async function untilKnown<T>(attempt: () => Promise<T>, tries = 5): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await politely(attempt);
    } catch (error) {
      const unknown = error instanceof ApiError ? error.code === 'UPSTREAM_TIMEOUT' || error.status === 504 : (error as Error)?.name === 'TimeoutError' || error instanceof TypeError;
      if (!unknown || i >= tries) throw error;
      await new Promise((r) => setTimeout(r, 250 * i));
    }
  }
}
