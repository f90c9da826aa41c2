import { connect } from '@nats-io/transport-node';
import { Health, SERVICES, type ServiceName } from '@ampool/contracts';
import { inboxPrefixFor, RpcClient } from '@ampool/messaging';

/**
 * `node dist/infra/probe/health-probe.js <service>`: asks `rpc.<service>.health` over NATS (with
 * NATS_URL, NATS_USER, NATS_PASSWORD) and exits 0 only if the service answers that every
 * dependency is up. For liveness and readiness probes of services that speak only NATS.
 */
async function main(): Promise<number> {
  const service = process.argv[2] as ServiceName;
  if (!SERVICES.includes(service)) {
    process.stderr.write(`usage: health-probe <${SERVICES.join('|')}>\n`);
    return 2;
  }
  const user = process.env.NATS_USER;
  const nc = await connect({
    servers: (process.env.NATS_URL ?? 'nats://127.0.0.1:4222').split(','),
    user,
    pass: process.env.NATS_PASSWORD,
    inboxPrefix: user ? inboxPrefixFor(user) : undefined,
    timeout: 2_000,
    maxReconnectAttempts: 0,
  });
  try {
    const report = await new RpcClient(nc, 2_000).request(Health[service], {});
    process.stdout.write(`${JSON.stringify(report)}\n`);
    return report.status === 'up' ? 0 : 1;
  } finally {
    await nc.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    process.stderr.write(`unhealthy: ${error.message}\n`);
    process.exit(1);
  },
);
