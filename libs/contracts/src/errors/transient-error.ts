import type { ErrorBody } from './app-error';
import { ErrorCode } from './error-code';

/**
 * Prisma error codes that mean the database could not be reached or dropped the connection:
 * P1001 can't reach the server, P1002 the server timed out, P1008 operation (socket) timed
 * out, P1017 the server closed the connection, P2024 no connection free in the pool in time,
 * P2037 the server has too many connections.
 */
const PRISMA_UNAVAILABLE = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2037']);

/**
 * `kind`s of @prisma/adapter-pg's DriverAdapterError that mean the same (P2010 and P2039 wrap
 * them in `meta.driverAdapterError` instead of a code of their own).
 */
const ADAPTER_UNAVAILABLE = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections']);

/**
 * PostgreSQL SQLSTATEs of a server that is going away or not there yet: class 08 (connection
 * exception), 57P01 terminated by an administrator (also a fast shutdown), 57P02 crash
 * shutdown, 57P03 cannot connect now (starting up, shutting down, in recovery), 53300 too many
 * connections.
 */
function isUnavailableSqlState(code: string): boolean {
  return code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03' || code === '53300';
}

/** Socket errors from `net` (pg, or anything else talking TCP to a dependency). */
const SOCKET_UNAVAILABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

/**
 * Messages node-postgres (pg, pg-pool) uses for a lost or unobtainable connection. They carry
 * no code: @prisma/adapter-pg passes them through as plain Errors.
 */
const PG_CONNECTION_MESSAGES = [
  /^Connection terminated( unexpectedly| due to connection timeout)?$/,
  /^timeout exceeded when trying to connect$/,
  /^Client has encountered a connection error and is not queryable$/,
  /^Client was closed and is not queryable$/,
  /^Cannot use a pool after calling end on the pool$/,
];

/** Names of @nats-io v3 errors for a connection that is gone, going, or has nobody behind a subject. */
const NATS_UNAVAILABLE = new Set(['NoResponders', 'NoRespondersError', 'ClosedConnectionError', 'DrainingConnectionError', 'ConnectionError']);

const DATABASE_UNAVAILABLE = 'the database is not reachable; retry with the same id';
const BROKER_UNAVAILABLE = 'the message broker is not reachable; retry with the same id';
const DEPENDENCY_UNAVAILABLE = 'a dependency is not reachable; retry with the same id';
const DEPENDENCY_TIMEOUT = 'a dependency did not answer in time; retry with the same id';

/** How deep to follow `cause`, `meta.driverAdapterError` and `errors` (wrappers nest 3 deep at most). */
const MAX_DEPTH = 6;

/** The error body of a transient failure: always one of the two retryable codes. */
export interface TransientErrorBody extends ErrorBody {
  code: typeof ErrorCode.UPSTREAM_UNAVAILABLE | typeof ErrorCode.UPSTREAM_TIMEOUT;
}

/**
 * Recognises a failure of the infrastructure under a service (PostgreSQL through Prisma or pg,
 * NATS and JetStream) that says nothing about the request itself: the caller may retry it with
 * the same id. Answers UPSTREAM_UNAVAILABLE (connection refused, closed, draining, a database
 * starting up or shutting down, no responders) or UPSTREAM_TIMEOUT (a NATS or JetStream request
 * that timed out), with a message that names no host; anything else answers undefined.
 *
 * Matching is on the shape of the errors those libraries really throw (name, code, SQLSTATE,
 * adapter kind), following `cause` chains, Prisma's `meta.driverAdapterError` and the
 * `errors` of an AggregateError, since the telling error is often wrapped.
 */
export function classifyTransient(error: unknown): TransientErrorBody | undefined {
  return classify(error, 0, new Set());
}

function classify(error: unknown, depth: number, seen: Set<object>): TransientErrorBody | undefined {
  if (typeof error !== 'object' || error === null || depth > MAX_DEPTH || seen.has(error)) return undefined;
  seen.add(error);
  const e = error as Record<string, unknown>;
  const own = classifyOne(e);
  if (own) return own;
  const meta = e.meta as Record<string, unknown> | undefined;
  const nested: unknown[] = [e.cause, typeof meta === 'object' && meta !== null ? meta.driverAdapterError : undefined];
  if (Array.isArray(e.errors)) nested.push(...e.errors.slice(0, 8));
  for (const inner of nested) {
    const verdict = classify(inner, depth + 1, seen);
    if (verdict) return verdict;
  }
  return undefined;
}

function classifyOne(e: Record<string, unknown>): TransientErrorBody | undefined {
  const name = typeof e.name === 'string' ? e.name : '';
  const code = e.code;
  const message = typeof e.message === 'string' ? e.message : '';
  const unavailable = (what: string): TransientErrorBody => ({ code: ErrorCode.UPSTREAM_UNAVAILABLE, message: what });

  // Prisma: PrismaClientKnownRequestError / PrismaClientInitializationError.
  if (typeof code === 'string' && /^P\d{4}$/.test(code)) {
    if (PRISMA_UNAVAILABLE.has(code)) return unavailable(DATABASE_UNAVAILABLE);
    // P2028 is the transaction API; "unable to start" means the pool had no connection in time.
    if (code === 'P2028' && /unable to start a transaction/i.test(message)) return unavailable(DATABASE_UNAVAILABLE);
    return undefined;
  }
  // @prisma/adapter-pg's error cause: `{ kind, code?, ... }`.
  if (typeof e.kind === 'string') {
    if (ADAPTER_UNAVAILABLE.has(e.kind)) return unavailable(DATABASE_UNAVAILABLE);
    if (e.kind === 'postgres' && typeof code === 'string' && isUnavailableSqlState(code)) return unavailable(DATABASE_UNAVAILABLE);
    return undefined;
  }
  // pg's DatabaseError: a SQLSTATE with a severity.
  if (typeof code === 'string' && typeof e.severity === 'string' && /^[0-9A-Z]{5}$/.test(code)) {
    return isUnavailableSqlState(code) ? unavailable(DATABASE_UNAVAILABLE) : undefined;
  }
  // Node socket errors.
  if (typeof code === 'string' && SOCKET_UNAVAILABLE.has(code)) return unavailable(DEPENDENCY_UNAVAILABLE);
  if (name === 'Error' && PG_CONNECTION_MESSAGES.some((re) => re.test(message))) return unavailable(DATABASE_UNAVAILABLE);

  // NATS and JetStream.
  if (NATS_UNAVAILABLE.has(name)) return unavailable(BROKER_UNAVAILABLE);
  // Pending requests are rejected with this when the connection drops.
  if (name === 'RequestError' && /^connection disconnected$/.test(message)) return unavailable(BROKER_UNAVAILABLE);
  if (name === 'RequestError' && /no responders/i.test(message)) return unavailable(BROKER_UNAVAILABLE);
  // A JetStream API answer with status 503: no stream leader, no quorum, JetStream restarting.
  if (name.startsWith('JetStream') && e.status === 503) return unavailable(BROKER_UNAVAILABLE);
  // A NATS request (an RPC, a JetStream publish or API call) or an AbortSignal.timeout.
  if (name === 'TimeoutError') return { code: ErrorCode.UPSTREAM_TIMEOUT, message: DEPENDENCY_TIMEOUT };
  return undefined;
}
