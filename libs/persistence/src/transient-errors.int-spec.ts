import { randomBytes } from 'node:crypto';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { Client, Pool } from 'pg';
import { classifyTransient, toErrorBody } from '@ampool/contracts';
import { freePort } from '@ampool/bootstrap';
import { readTestEnv } from '@ampool/testing';
import { createPrismaClient, type PrismaClient } from './prisma-client';

/** A TCP server on a free port of 127.0.0.1 that hands every connection to `onConnection`. */
async function listen(onConnection: (socket: Socket) => void): Promise<{ server: Server; port: number }> {
  const server = createServer(onConnection);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as { port: number }).port };
}

/**
 * What PostgreSQL answers a client while it starts up, shuts down or recovers: an
 * ErrorResponse (FATAL, SQLSTATE 57P03) to the startup message, then it hangs up.
 */
function cannotConnectNow(message: string): (socket: Socket) => void {
  return (socket) => {
    socket.on('error', () => undefined);
    socket.once('data', () => {
      const fields = Buffer.concat([...[['S', 'FATAL'], ['V', 'FATAL'], ['C', '57P03'], ['M', message]].map(([k, v]) => Buffer.from(`${k}${v}\0`)), Buffer.from('\0')]);
      const head = Buffer.alloc(5);
      head.write('E', 0);
      head.writeInt32BE(fields.length + 4, 1);
      socket.end(Buffer.concat([head, fields]));
    });
  };
}

/**
 * The errors a service really gets from Prisma (on @prisma/adapter-pg) and pg when its
 * database is unreachable, restarting or drops the connection are classified as
 * UPSTREAM_UNAVAILABLE. Nothing here stops the shared server: the outages are a closed port,
 * a stand-in that answers like a starting server, a proxy that drops its sockets, and the
 * termination of this test's own backend.
 */
describe('database failures a caller may retry', () => {
  const clients: PrismaClient[] = [];
  const servers: Server[] = [];
  const prisma = (databaseUrl: string) => {
    const c = createPrismaClient({ databaseUrl, poolMax: 2 });
    clients.push(c);
    return c;
  };
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.$disconnect().catch(() => undefined)));
    for (const s of servers) s.close();
  });

  it('a closed port: model queries, raw queries and transactions', async () => {
    const port = await freePort();
    const db = prisma(`postgresql://postgres@127.0.0.1:${port}/none`);
    const failures = await Promise.all([
      db.participant.findMany({ take: 1 }).catch((e: unknown) => e),
      db.$queryRaw`SELECT 1`.catch((e: unknown) => e),
      db.$transaction(async (tx) => tx.participant.count()).catch((e: unknown) => e),
    ]);
    for (const error of failures) {
      expect(error).toMatchObject({ name: 'PrismaClientKnownRequestError' });
      expect(toErrorBody(error).code).toBe('UPSTREAM_UNAVAILABLE');
    }
    const pool = new Pool({ connectionString: `postgresql://postgres@127.0.0.1:${port}/none` });
    const raw = await pool.query('SELECT 1').catch((e: unknown) => e);
    await pool.end();
    expect(raw).toMatchObject({ code: 'ECONNREFUSED' });
    expect(classifyTransient(raw)?.code).toBe('UPSTREAM_UNAVAILABLE');
  });

  it.each(['the database system is starting up', 'the database system is shutting down'])('a server answering 57P03 "%s"', async (message) => {
    const { server, port } = await listen(cannotConnectNow(message));
    servers.push(server);
    const db = prisma(`postgresql://postgres@127.0.0.1:${port}/postgres?sslmode=disable`);
    const error = await db.participant.findMany({ take: 1 }).catch((e: unknown) => e);
    expect(String((error as Error).message)).toContain('57P03');
    expect(toErrorBody(error).code).toBe('UPSTREAM_UNAVAILABLE');
  });

  it('a backend terminated while it runs a query (57P01, as in a fast shutdown)', async () => {
    const applicationName = `transient-${randomBytes(4).toString('hex')}`;
    const db = createPrismaClient({ databaseUrl: readTestEnv().serverUrl, poolMax: 1, applicationName });
    clients.push(db);
    const admin = new Client({ connectionString: readTestEnv().serverUrl });
    await admin.connect();
    try {
      const query = db.$queryRaw`SELECT pg_sleep(5)`.catch((e: unknown) => e);
      // Only this test's own connection, found by its application name.
      const terminate = `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid() AND state = 'active'`;
      for (let i = 0; i < 50 && (await admin.query(terminate, [applicationName])).rowCount === 0; i++) await new Promise((r) => setTimeout(r, 50));
      const error = await query;
      expect(String((error as Error).message)).toContain('57P01');
      expect(toErrorBody(error).code).toBe('UPSTREAM_UNAVAILABLE');
    } finally {
      await admin.end();
    }
  });

  it('a connection dropped in the middle of a query and of a transaction', async () => {
    const { hostname, port: serverPort } = new URL(readTestEnv().serverUrl);
    const open = new Set<Socket>();
    const { server, port } = await listen((client) => {
      const upstream = connect(Number(serverPort || 5432), hostname);
      for (const s of [client, upstream]) {
        open.add(s);
        s.on('error', () => undefined);
        s.on('close', () => open.delete(s));
      }
      client.pipe(upstream).pipe(client);
    });
    servers.push(server);
    const db = prisma(`postgresql://postgres@127.0.0.1:${port}/postgres`);
    const cut = (how: 'destroy' | 'reset') =>
      setTimeout(() => {
        for (const s of open) how === 'reset' ? s.resetAndDestroy() : s.destroy();
      }, 300);
    cut('destroy');
    const dropped = await db.$queryRaw`SELECT pg_sleep(5)`.catch((e: unknown) => e);
    cut('reset');
    const reset = await db.$transaction(async (tx) => tx.$executeRaw`SELECT pg_sleep(5)`).catch((e: unknown) => e);
    for (const error of [dropped, reset]) {
      expect(error).toBeInstanceOf(Error);
      expect(toErrorBody(error).code).toBe('UPSTREAM_UNAVAILABLE');
    }
  });
});
