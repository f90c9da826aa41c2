import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SERVICES } from '@ampool/contracts';
import { SERVICE_LOGINS, type StatefulApp } from '@ampool/bootstrap';
import { repoRoot } from '@ampool/testing';

/**
 * The Kubernetes manifests cannot be applied here (no cluster), so this checks that they agree
 * with the code they deploy: every command exists in the build, every service logs in with its
 * own NATS user and database role, probes ask the right service, and every secret is declared.
 */
describe('Kubernetes manifests', () => {
  const dir = join(repoRoot(), 'infra', 'k8s');
  const services = readFileSync(join(dir, 'services.yaml'), 'utf8');
  const secrets = readFileSync(join(dir, 'secrets.example.yaml'), 'utf8');
  const deployments = services
    .split(/^---$/m)
    .filter((doc) => /kind: Deployment/.test(doc))
    .map((doc) => ({ name: /metadata: \{ name: ([\w-]+)/.exec(doc)![1], doc }));

  it('deploy every app with a command that exists in the build', () => {
    const commands = [...services.matchAll(/"(dist\/[^"]+\.js)"/g)].map((m) => m[1]!);
    expect(commands.length).toBeGreaterThan(10);
    for (const path of commands) expect({ path, exists: existsSync(join(repoRoot(), path)) }).toEqual({ path, exists: true });
    const deployed = deployments.map((d) => d.name).sort();
    expect(deployed).toEqual([...Object.keys(SERVICE_LOGINS), 'gateway'].sort());
  });

  it('give each service its own NATS user, password and health probe', () => {
    for (const { name, doc } of deployments) {
      const user = /name: NATS_USER, value: (\w+)/.exec(doc)?.[1];
      expect({ name, user: SERVICES.includes(user as never) || user === 'gateway' }).toEqual({ name, user: true });
      expect(doc).toContain(`key: AMPOOL_NATS_PASSWORD_${user!.toUpperCase()} `);
      if (name === 'gateway') {
        expect(doc).toMatch(/httpGet: \{ path: \/health/);
      } else {
        const probes = [...doc.matchAll(/health-probe\.js", "(\w+)"/g)].map((m) => m[1]);
        expect({ name, probes }).toEqual({ name, probes: [user, user] });
      }
    }
  });

  it('give each stateful service its own database login', () => {
    for (const { name, doc } of deployments) {
      if (name === 'gateway') {
        expect(doc).not.toContain('DATABASE_URL');
        continue;
      }
      const login = /postgresql:\/\/(\w+):/.exec(doc)?.[1];
      expect({ name, login }).toEqual({ name, login: SERVICE_LOGINS[name as StatefulApp] });
    }
  });

  it('declare every secret they read in the example secret', () => {
    const all = ['services.yaml', 'nats.yaml', 'postgres.yaml'].map((f) => readFileSync(join(dir, f), 'utf8')).join('\n');
    const keys = new Set([...all.matchAll(/secretKeyRef: \{ name: ampool-secrets, key: (\w+) \}/g)].map((m) => m[1]));
    expect(keys.size).toBeGreaterThan(5);
    for (const key of keys) expect(secrets).toMatch(new RegExp(`^  ${key}: `, 'm'));
  });

  it('run NATS with the generated per-service users', () => {
    expect(readFileSync(join(dir, 'nats.conf'), 'utf8')).toMatch(/^include \.\/ampool-auth\.conf$/m);
  });
});
