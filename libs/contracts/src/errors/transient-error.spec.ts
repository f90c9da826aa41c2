import { DatabaseError } from 'pg';
import { PrismaClientKnownRequestError } from '@prisma/client/runtime/client';
import { errors as natsErrors } from '@nats-io/transport-node';
import { JetStreamApiError, jserrors } from '@nats-io/jetstream/internal';
import { AppError, asAppError, toErrorBody } from './app-error';
import { classifyTransient } from './transient-error';

// The shapes below are what Prisma 7.10 on @prisma/adapter-pg, pg 8 and @nats-io v3 throw,
// copied from errors provoked against a closed port, a terminated backend, a server answering
// 57P03, a dropped socket, an exhausted pool and a stopped nats-server (see
// transient-errors.int-spec.ts in libs/persistence and libs/messaging for the real thing).

/** @prisma/adapter-pg's DriverAdapterError: the adapter's `{ kind, ... }` as `cause`. */
function driverAdapterError(cause: Record<string, unknown>): Error {
  const e = new Error(typeof cause.message === 'string' ? cause.message : String(cause.kind));
  return Object.assign(e, { name: 'DriverAdapterError', cause });
}

function prismaError(code: string, message: string, driverCause?: Record<string, unknown>): PrismaClientKnownRequestError {
  return new PrismaClientKnownRequestError(`\nInvalid \`prisma.participant.findMany()\` invocation:\n\n${message}`, {
    code,
    clientVersion: '7.10.1',
    meta: driverCause ? { modelName: 'Participant', driverAdapterError: driverAdapterError(driverCause) } : {},
  });
}

/** pg's DatabaseError as the protocol parser builds it. */
function pgDatabaseError(code: string, message: string): DatabaseError {
  return Object.assign(new DatabaseError(message, 100, 'error'), { severity: 'FATAL', code });
}

function socketError(code: string, syscall: string): Error {
  return Object.assign(new Error(`${syscall} ${code} 127.0.0.1:5432`), { errno: -111, code, syscall, address: '127.0.0.1', port: 5432 });
}

const postgresCause = (code: string, message: string) => ({
  originalCode: code,
  originalMessage: message,
  kind: 'postgres',
  code,
  severity: 'FATAL',
  message,
});

describe('classifyTransient', () => {
  describe('a database that is down, restarting or unreachable is UPSTREAM_UNAVAILABLE', () => {
    it.each([
      ['P1001 from a model query against a closed port', prismaError('P1001', "Can't reach database server at 127.0.0.1:1", { kind: 'DatabaseNotReachable', host: '127.0.0.1', port: 1 })],
      ['P1001 without adapter details', prismaError('P1001', "Can't reach database server")],
      ['P1002 (the server timed out)', prismaError('P1002', 'The database server was reached but timed out')],
      ['P1008 (socket timeout)', prismaError('P1008', 'Operation has timed out', { kind: 'SocketTimeout' })],
      ['P1017 (the server closed the connection)', prismaError('P1017', 'Server has closed the connection.', { kind: 'ConnectionClosed' })],
      ['P2024 (no pool connection in time)', prismaError('P2024', 'Timed out fetching a new connection from the connection pool.')],
      ['P2037 (too many connections)', prismaError('P2037', 'Too many database connections opened', { kind: 'TooManyConnections', cause: 'sorry, too many clients already' })],
      ['P2028 when no transaction could start in time', prismaError('P2028', 'Transaction API error: Unable to start a transaction in the given time.')],
      ['P2010 (raw query) against a closed port', prismaError('P2010', "Raw query failed. Code: `N/A`. Message: `Can't reach database server at 127.0.0.1:1`", { kind: 'DatabaseNotReachable', host: '127.0.0.1', port: 1 })],
      ['P2010 on a reset socket inside a transaction', prismaError('P2010', 'Raw query failed. Code: `N/A`. Message: `Server has closed the connection.`', { kind: 'ConnectionClosed' })],
      ['P2010 with 57P01 (backend terminated, fast shutdown)', prismaError('P2010', 'Raw query failed. Code: `57P01`.', postgresCause('57P01', 'terminating connection due to administrator command'))],
      ['P2039 with 57P03 (the database system is starting up)', prismaError('P2039', 'Database error. Code: `57P03`.', postgresCause('57P03', 'the database system is starting up'))],
      ['P2039 with 57P03 (the database system is shutting down)', prismaError('P2039', 'Database error. Code: `57P03`.', postgresCause('57P03', 'the database system is shutting down'))],
      ['P2039 with 57P02 (crash shutdown)', prismaError('P2039', 'Database error. Code: `57P02`.', postgresCause('57P02', 'terminating connection because of crash of another server process'))],
      ['P2039 with 08006 (connection failure)', prismaError('P2039', 'Database error. Code: `08006`.', postgresCause('08006', 'connection failure'))],
      ['P2039 with 08P01 (protocol violation)', prismaError('P2039', 'Database error. Code: `08P01`.', postgresCause('08P01', 'unexpected EOF'))],
      ['pg DatabaseError 57P01', pgDatabaseError('57P01', 'terminating connection due to administrator command')],
      ['pg DatabaseError 57P03', pgDatabaseError('57P03', 'the database system is in recovery mode')],
      ['pg DatabaseError 53300', pgDatabaseError('53300', 'sorry, too many clients already')],
      ['ECONNREFUSED from pg', socketError('ECONNREFUSED', 'connect')],
      ['ECONNRESET from pg', socketError('ECONNRESET', 'read')],
      ['EPIPE from pg', socketError('EPIPE', 'write')],
      ['a dropped socket passed through Prisma', Object.assign(new Error('Connection terminated unexpectedly'), { clientVersion: '7.10.1' })],
      ['pg\'s connection timeout (with its cause)', new Error('Connection terminated due to connection timeout', { cause: new Error('Connection terminated unexpectedly') })],
      ['pg-pool waiting for a connection', Object.assign(new Error('timeout exceeded when trying to connect'), { clientVersion: '7.10.1' })],
      ['a pg client after a connection error', new Error('Client has encountered a connection error and is not queryable')],
      ['an AggregateError of refused connections (localhost resolving to ::1 and 127.0.0.1)', Object.assign(new AggregateError([socketError('ECONNREFUSED', 'connect'), socketError('ECONNREFUSED', 'connect')]), { code: 'ECONNREFUSED' })],
      ['a service error wrapping the database error in `cause`', new Error('storing the order failed', { cause: pgDatabaseError('57P01', 'terminating connection due to administrator command') })],
    ])('%s', (_what, error) => {
      expect(classifyTransient(error)?.code).toBe('UPSTREAM_UNAVAILABLE');
    });
  });

  describe('a broker that is gone or going is UPSTREAM_UNAVAILABLE', () => {
    it.each([
      ['no responders to a request', new natsErrors.RequestError("no responders: 'rpc.x.y'", { cause: new natsErrors.NoRespondersError('rpc.x.y') })],
      ['a JetStream publish with no stream leader to answer', new jserrors.JetStreamNotEnabled('jetstream is not enabled', { cause: new natsErrors.RequestError("no responders: 'evt.x.v1'", { cause: new natsErrors.NoRespondersError('evt.x.v1') }) })],
      ['a JetStream API answer with status 503', new JetStreamApiError({ code: 503, err_code: 10008, description: 'JetStream system temporarily unavailable' })],
      ['a draining connection', new natsErrors.DrainingConnectionError()],
      ['a closed connection', new natsErrors.ClosedConnectionError()],
      ['a request pending when the connection dropped', new natsErrors.RequestError('connection disconnected')],
      ['a connection error', new natsErrors.ConnectionError('connection refused')],
    ])('%s', (_what, error) => {
      expect(classifyTransient(error)?.code).toBe('UPSTREAM_UNAVAILABLE');
    });
  });

  it('a NATS or JetStream request that timed out is UPSTREAM_TIMEOUT', () => {
    expect(classifyTransient(new natsErrors.TimeoutError())?.code).toBe('UPSTREAM_TIMEOUT');
    expect(classifyTransient(new Error('publish failed', { cause: new natsErrors.TimeoutError() }))?.code).toBe('UPSTREAM_TIMEOUT');
  });

  describe('anything else is not transient', () => {
    it.each([
      ['a plain bug', new Error('Cannot read properties of undefined')],
      ['a unique violation', prismaError('P2002', 'Unique constraint failed', { kind: 'UniqueConstraintViolation', constraint: { fields: ['id'] } })],
      ['a check violation', prismaError('P2039', 'Database error. Code: `23514`.', postgresCause('23514', 'new row violates check constraint'))],
      ['a missing table', prismaError('P2021', 'The table does not exist', { kind: 'TableDoesNotExist', table: 'x' })],
      ['a failed authentication', prismaError('P1000', 'Authentication failed', { kind: 'AuthenticationFailed', user: 'x' })],
      ['a missing database', prismaError('P1003', 'Database does not exist', { kind: 'DatabaseDoesNotExist', db: 'x' })],
      ['a serialization failure (retried by the service itself)', pgDatabaseError('40001', 'could not serialize access')],
      ['an expired interactive transaction', prismaError('P2028', 'Transaction API error: Transaction already closed: A query cannot be executed on an expired transaction.')],
      ['JetStream not enabled for the account', new jserrors.JetStreamNotEnabled('jetstream not enabled for account')],
      ['a stream that does not exist', new JetStreamApiError({ code: 404, err_code: 10059, description: 'stream not found' })],
      ['a permissions violation', new natsErrors.PermissionViolationError("Permissions Violation for Publish to 'x'", 'publish', 'x')],
      ['a message that only mentions a socket error', new Error('connect ECONNREFUSED 127.0.0.1:5432')],
      ['an AppError', new AppError('NOT_FOUND', 'no such trade')],
      ['not an error at all', 'ECONNREFUSED'],
      ['null', null],
    ])('%s', (_what, error) => {
      expect(classifyTransient(error)).toBeUndefined();
    });
  });

  it('terminates on a cyclic cause chain', () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    (a as { cause?: unknown }).cause = b;
    expect(classifyTransient(a)).toBeUndefined();
  });

  it('names no host, port or SQL in what it tells the caller', () => {
    const body = classifyTransient(prismaError('P1001', "Can't reach database server at db.internal:5432", { kind: 'DatabaseNotReachable', host: 'db.internal', port: 5432 }))!;
    expect(body.message).not.toMatch(/db\.internal|5432|prisma/i);
    expect(body.message).toMatch(/retry/);
  });
});

describe('toErrorBody and asAppError', () => {
  it('answer UPSTREAM_UNAVAILABLE for a database outage instead of INTERNAL', () => {
    const error = prismaError('P1001', "Can't reach database server at 127.0.0.1:1", { kind: 'DatabaseNotReachable', host: '127.0.0.1', port: 1 });
    expect(toErrorBody(error).code).toBe('UPSTREAM_UNAVAILABLE');
    const e = asAppError(error, 'transfers failed');
    expect(e).toBeInstanceOf(AppError);
    expect(e.code).toBe('UPSTREAM_UNAVAILABLE');
  });

  it('keep an AppError as it is and hide anything unknown behind INTERNAL', () => {
    const own = new AppError('INSUFFICIENT_FUNDS', 'not enough');
    expect(asAppError(own)).toBe(own);
    expect(asAppError(new Error('password=hunter2'), 'transfers failed').toBody()).toEqual({ code: 'INTERNAL', message: 'transfers failed' });
    expect(toErrorBody(new Error('password=hunter2'))).toEqual({ code: 'INTERNAL', message: 'internal error' });
  });
});
