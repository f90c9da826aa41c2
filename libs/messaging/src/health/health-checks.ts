import type { NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import type { PrismaClient } from '@ampool/persistence';

export type CheckState = 'up' | 'down';

const CHECK_TIMEOUT_MS = 2_000;

function within<T>(p: Promise<T>, ms = CHECK_TIMEOUT_MS): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms).unref())]);
}

/** NATS answers a round trip now (not just "was connected once"). */
export async function checkNats(nc: NatsConnection): Promise<CheckState> {
  if (nc.isClosed()) return 'down';
  try {
    await within(nc.flush());
    return 'up';
  } catch {
    return 'down';
  }
}

/** JetStream is enabled for this account and answers. */
export async function checkJetStream(nc: NatsConnection): Promise<CheckState> {
  try {
    const jsm = await within(jetstreamManager(nc));
    await within(jsm.getAccountInfo());
    return 'up';
  } catch {
    return 'down';
  }
}

/** PostgreSQL answers a query now. */
export async function checkDatabase(prisma: PrismaClient): Promise<CheckState> {
  try {
    await within(prisma.$queryRawUnsafe('SELECT 1'));
    return 'up';
  } catch {
    return 'down';
  }
}
