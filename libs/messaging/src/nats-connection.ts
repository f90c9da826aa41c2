import { connect, type NatsConnection } from '@nats-io/transport-node';

/** Injection token for the service's shared NATS connection. */
export const NATS_CONNECTION = Symbol('NATS_CONNECTION');

/**
 * The inbox prefix of a NATS user: replies, JetStream acks and pull deliveries all arrive
 * under it, and the user's permissions let it subscribe there and nowhere else's.
 */
export function inboxPrefixFor(user: string): string {
  return `_INBOX_${user}`;
}

export interface NatsConnectOptions {
  servers: string[];
  /** Client name shown by the server's monitoring: `<service>-<instance>`. */
  name: string;
  user?: string;
  pass?: string;
  inboxPrefix?: string;
}

/**
 * Connects with unbounded reconnects: a service outlives a NATS restart and carries on; what
 * it could not publish meanwhile stays in its outbox.
 */
export async function connectNats(options: NatsConnectOptions): Promise<NatsConnection> {
  return connect({
    servers: options.servers,
    name: options.name,
    user: options.user,
    pass: options.pass,
    inboxPrefix: options.inboxPrefix,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    timeout: 5_000,
    // Otherwise every request (each JetStream publish awaiting its ack) builds two Error
    // objects up front only to carry a stack should it fail: measured at about a tenth of a
    // ledger validator's CPU time under load. A failed request still names its cause.
    noAsyncTraces: true,
  });
}
