import { createServer, connect, type Server, type Socket } from 'node:net';
import { newKeyHolder } from '@ampool/client';
import { freePort, SERVICE_LOGINS } from '@ampool/bootstrap';
import { readTestEnv, startTestSystem, type ServiceApp, type TestSystem } from '@ampool/testing';

/**
 * A TCP proxy in front of the shared PostgreSQL that can be cut and restored: to the service
 * behind it, exactly a database that went away (every connection dropped, new ones refused)
 * and came back, without touching the server other test runs use.
 */
class DatabaseProxy {
  private server?: Server;
  private readonly open = new Set<Socket>();

  constructor(
    private readonly target: { host: string; port: number },
    readonly port: number,
  ) {}

  async up(): Promise<void> {
    const server = createServer((client) => {
      const upstream = connect(this.target.port, this.target.host);
      for (const s of [client, upstream]) {
        this.open.add(s);
        s.on('error', () => undefined);
        s.on('close', () => {
          this.open.delete(s);
          (s === client ? upstream : client).destroy();
        });
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(this.port, '127.0.0.1', resolve));
    this.server = server;
  }

  async down(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.open) s.destroy();
    if (server) await new Promise((resolve) => server.close(resolve));
  }
}

/** A database outage reaches the client as 503 with Retry-After, and a retry succeeds once it is over. */
describe('a service whose database is down', () => {
  let sys: TestSystem;
  let proxy: DatabaseProxy;
  const overrides: Partial<Record<ServiceApp, Record<string, string>>> = {};
  const createChallenge = () => sys.client.send('POST', '/v1/identity/challenges', { publicKey: newKeyHolder().publicKeyB64 });

  beforeAll(async () => {
    sys = await startTestSystem({ services: [], serviceEnvOverrides: overrides });
    // Identity reaches its database only through the proxy: its own login, the test's database.
    const url = new URL(sys.db.url);
    proxy = new DatabaseProxy({ host: url.hostname, port: Number(url.port || 5432) }, await freePort());
    await proxy.up();
    url.username = SERVICE_LOGINS.identity;
    url.password = readTestEnv().servicePassword;
    url.hostname = '127.0.0.1';
    url.port = String(proxy.port);
    overrides.identity = { DATABASE_URL: url.toString() };
    await sys.start('identity');
  });
  afterAll(async () => {
    await sys?.stop();
    await proxy?.down();
  });

  it('answers 503 UPSTREAM_UNAVAILABLE with Retry-After, then the retry succeeds', async () => {
    expect((await createChallenge()).status).toBe(201);

    await proxy.down();
    const refused = await createChallenge();
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(refused.body).toEqual({ code: 'UPSTREAM_UNAVAILABLE', message: expect.stringMatching(/retry/) });
    expect(JSON.stringify(refused.body)).not.toContain(String(proxy.port));

    await proxy.up();
    expect((await createChallenge()).status).toBe(201);
  });
});
