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
