import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { z } from 'zod';
import { SERVICES } from '@ampool/contracts';
import { LEDGER_SUBMITTING_SERVICES, SERVICE_LOGINS, type StatefulApp } from '@ampool/bootstrap';
import { repoRoot } from '@ampool/testing';
import { energyMarketConfig } from '../../apps/energy-market/src/config';
import { gatewayConfig } from '../../apps/gateway/src/config';
import { identityConfig } from '../../apps/identity/src/config';
import { ledgerConfig } from '../../apps/ledger/src/config';
import { meteringConfig } from '../../apps/metering/src/config';
import { ridesConfig } from '../../apps/ride-market/src/config';
import { settlementConfig } from '../../apps/settlement/src/config';

/** Each deployment's configuration schema: what its main.ts validates the environment with. */
const CONFIGS: Record<string, z.ZodObject> = {
  identity: identityConfig,
  'energy-market': energyMarketConfig,
  'ride-market': ridesConfig,
  metering: meteringConfig,
  settlement: settlementConfig,
  ledger: ledgerConfig,
  gateway: gatewayConfig,
};

/** One container's environment as the manifest sets it: a literal value or a key of a Secret. */
type EnvVar = { name: string; value: string } | { name: string; secret: string; key: string };

function envOf(doc: string): EnvVar[] {
  const literal = [...doc.matchAll(/^\s+- \{ name: (\w+), value: (.+) \}$/gm)].map((m) => ({ name: m[1]!, value: m[2]!.replace(/^"(.*)"$/, '$1') }));
  const secret = [...doc.matchAll(/^\s+- name: (\w+)\n\s+valueFrom: \{ secretKeyRef: \{ name: ([\w-]+), key: (\w+) \} \}$/gm)].map((m) => ({ name: m[1]!, secret: m[2]!, key: m[3]! }));
  return [...literal, ...secret];
}

/** The Secrets of secrets.example.yaml: name → their stringData. */
function exampleSecrets(text: string): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  for (const doc of text.split(/^---$/m)) {
    const name = /^metadata:\n\s+name: ([\w-]+)/m.exec(doc)?.[1];
    const data = /^stringData:\n((?:  .+\n?)+)/m.exec(doc)?.[1];
    if (!name || !data) continue;
    out.set(name, new Map([...data.matchAll(/^  ([\w.-]+): (.*)$/gm)].map((m) => [m[1]!, m[2]!])));
  }
  return out;
}

/** Where a file path of a container comes from: the volume mounted at its folder, and the file's name in it. */
function fileSource(doc: string, path: string): { kind: 'secret' | 'configMap'; name: string; file: string } | undefined {
  const mount = [...doc.matchAll(/- \{ name: ([\w-]+), mountPath: ([^,]+), readOnly: true \}/g)].find((m) => m[2] === dirname(path));
  if (!mount) return undefined;
  const volume = new RegExp(`- name: ${mount[1]}\\n\\s+(secret|configMap): \\{ (?:secretName|name): ([\\w-]+)`).exec(doc);
  return volume ? { kind: volume[1] as 'secret' | 'configMap', name: volume[2]!, file: basename(path) } : undefined;
}

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
    .map((doc) => ({ name: /metadata: \{ name: ([\w-]+)/.exec(doc)![1]!, doc }));

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

  it("give each app every variable its configuration requires, valid, and none it does not read", () => {
    const example = exampleSecrets(secrets);
    for (const { name, doc } of deployments) {
      const schema = CONFIGS[name];
      expect({ name, schema: schema !== undefined }).toEqual({ name, schema: true });
      const vars = envOf(doc);
      // Values as Kubernetes would hand them over, with the example secrets filled in.
      const valueOf = (v: EnvVar): string => ('value' in v ? v.value : (example.get(v.secret)?.get(v.key) ?? `<missing ${v.secret}/${v.key}>`));
      const raw = new Map(vars.map((v) => [v.name, valueOf(v)]));
      const env = Object.fromEntries([...raw].map(([k, v]) => [k, v.replace(/\$\((\w+)\)/g, (_, ref: string) => raw.get(ref) ?? `<missing $(${ref})>`)]));
      const required = Object.entries(schema!.shape)
        .filter(([, field]) => !(field as z.ZodType).safeParse(undefined).success)
        .map(([key]) => key);
      expect({ name, missing: required.filter((k) => !(k in env)) }).toEqual({ name, missing: [] });
      const parsed = schema!.safeParse(env);
      expect({ name, problems: parsed.success ? [] : parsed.error.issues.map((i: { path: PropertyKey[]; message: string }) => `${i.path.map(String).join('.')}: ${i.message}`) }).toEqual({ name, problems: [] });
      // Kubernetes reads a variable set only to be interpolated ($(SERVICE_DB_PASSWORD)); the app never does.
      const interpolated = new Set([...doc.matchAll(/\$\((\w+)\)/g)].map((m) => m[1]!));
      const unread = vars.map((v) => v.name).filter((k) => !(k in schema!.shape) && !interpolated.has(k));
      expect({ name, unread }).toEqual({ name, unread: [] });
    }
  });

  it('give every service that signs ledger entries its own key, from a Secret of its own, and the validator its key', () => {
    const example = exampleSecrets(secrets);
    const byName = new Map(deployments.map((d) => [d.name, d.doc]));
    const keySecrets: string[] = [];
    const expectFrom = (app: string, path: string | undefined, kind: 'secret' | 'configMap', name: string, file: string) => {
      expect({ app, path: path !== undefined }).toEqual({ app, path: true });
      expect({ app, source: fileSource(byName.get(app)!, path!) }).toEqual({ app, source: { kind, name, file } });
      if (kind === 'secret') expect({ app, declared: example.get(name)?.has(file) ?? false }).toEqual({ app, declared: true });
    };
    for (const service of LEDGER_SUBMITTING_SERVICES) {
      const env = Object.fromEntries(envOf(byName.get(service)!).flatMap((v) => ('value' in v ? [[v.name, v.value]] : [])));
      expectFrom(service, env.LEDGER_GENESIS_FILE, 'configMap', 'ledger-genesis', 'genesis.json');
      expectFrom(service, env.LEDGER_SUBMITTER_KEY_FILE, 'secret', `ampool-ledger-key-${service}`, `${service}.key`);
      keySecrets.push(`ampool-ledger-key-${service}`);
    }
    const ledger = Object.fromEntries(envOf(byName.get('ledger')!).flatMap((v) => ('value' in v ? [[v.name, v.value]] : [])));
    expectFrom('ledger', ledger.LEDGER_GENESIS_FILE, 'configMap', 'ledger-genesis', 'genesis.json');
    expectFrom('ledger', ledger.LEDGER_KEY_FILE, 'secret', 'ampool-ledger-key-validator', 'validator.key');
    keySecrets.push('ampool-ledger-key-validator');
    // No other deployment signs entries or mounts a ledger key.
    for (const { name, doc } of deployments) {
      const mounted = [...doc.matchAll(/secretName: (ampool-ledger-[\w-]+)/g)].map((m) => m[1]);
      const own = name === 'ledger' ? ['ampool-ledger-key-validator'] : (LEDGER_SUBMITTING_SERVICES as string[]).includes(name) ? [`ampool-ledger-key-${name}`] : [];
      expect({ name, mounted }).toEqual({ name, mounted: own });
    }
    expect([...example.keys()].filter((k) => k.startsWith('ampool-ledger-')).sort()).toEqual(keySecrets.sort());
  });

  it('run NATS with the generated per-service users', () => {
    expect(readFileSync(join(dir, 'nats.conf'), 'utf8')).toMatch(/^include \.\/ampool-auth\.conf$/m);
  });
});
