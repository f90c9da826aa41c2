import { spawnSync } from 'node:child_process';
import { appEntry, type AppName } from '@ampool/testing';

/** Missing or malformed configuration stops a service at boot with one line naming the variable. */
describe('configuration at boot', () => {
  const run = (app: AppName, env: Record<string, string>) => {
    const r = spawnSync(process.execPath, [appEntry(app)], { env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8', timeout: 30_000 });
    return { code: r.status, stderr: r.stderr.trim(), stdout: r.stdout.trim() };
  };

  it.each(['identity', 'energy-market', 'ride-market', 'metering', 'settlement', 'ledger'] as const)(
    '%s refuses to start without DATABASE_URL, in one line, with exit code 78',
    (app) => {
      expect(run(app, {})).toEqual({ code: 78, stderr: 'configuration error: DATABASE_URL is required', stdout: '' });
    },
  );

  it.each([
    ['ledger', { DATABASE_URL: 'mysql://db/x' }, 'configuration error: DATABASE_URL must be a postgresql:// URL (got "mysql://db/x")'],
    ['settlement', { DATABASE_URL: 'postgresql://u@h/db', NATS_URL: 'http://nats:4222' }, 'configuration error: NATS_URL must be nats:// URLs, comma-separated (got "http://nats:4222")'],
    ['energy-market', { DATABASE_URL: 'postgresql://u@h/db', ENGINE_BATCH_MAX: 'many' }, 'configuration error: ENGINE_BATCH_MAX must be a whole number (got "many")'],
    ['gateway', { PORT: '99999' }, 'configuration error: PORT must be between 1 and 65535 (got "99999")'],
    ['simulator', { GATEWAY_URL: 'ftp://x' }, 'configuration error: GATEWAY_URL must be an http(s) URL (got "ftp://x")'],
    ['identity', { DATABASE_URL: 'postgresql://u@h/db', LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
  ] as const)('%s names the malformed variable (%j)', (app, env, expected) => {
    const r = run(app, env);
    expect(r.code).toBe(78);
    expect(r.stderr).toContain(expected);
    expect(r.stderr.split('\n')).toHaveLength(1);
  });
});
