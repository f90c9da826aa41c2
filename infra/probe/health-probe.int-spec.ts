import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot, startTestSystem, type TestSystem } from '@ampool/testing';

const run = promisify(execFile);

/** The container health probe: a real process, with a service's own NATS credentials. */
describe('health-probe', () => {
  let system: TestSystem;
  const probe = join(repoRoot(), 'dist', 'infra', 'probe', 'health-probe.js');

  beforeAll(async () => {
    system = await startTestSystem({ services: ['identity'], gateway: false });
  });
  afterAll(async () => {
    await system?.stop();
  });

  function probeAs(service: string, user: string): Promise<{ code: number; stdout: string; stderr: string }> {
    const env = { ...process.env, NATS_URL: system.nats.url, NATS_USER: user, NATS_PASSWORD: system.nats.passwords![user as 'identity'] };
    return run('node', [probe, service], { env }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
    );
  }

  it('passes when the service reports every dependency up, using only its own credentials', async () => {
    const result = await probeAs('identity', 'identity');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ status: 'up' });
  });

  it('cannot be used by one service to probe another', async () => {
    const result = await probeAs('identity', 'metering');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/unhealthy/);
  });

  it('rejects an unknown service name', async () => {
    const result = await probeAs('nobody', 'identity');
    expect(result.code).toBe(2);
  });

  it('fails once the service is gone', async () => {
    await system.processes.get('identity')!.stop();
    const result = await probeAs('identity', 'identity');
    expect(result.code).toBe(1);
  });
});
