import { DiscardPolicy, RetentionPolicy, StorageType, type JetStreamManager, type StreamConfig } from '@nats-io/jetstream';
import type { StreamDefinition } from '@ampool/contracts';

const NS_PER_MS = 1_000_000;

function toConfig(def: StreamDefinition, replicas: number): Partial<StreamConfig> & { name: string } {
  return {
    name: def.name,
    subjects: [...def.subjects],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    discard: DiscardPolicy.Old,
    max_age: def.maxAgeMs * NS_PER_MS,
    duplicate_window: def.duplicateWindowMs * NS_PER_MS,
    num_replicas: replicas,
  };
}

/**
 * Creates the streams, or brings an existing stream's configuration up to date. Every
 * service that publishes or consumes calls this at boot, so start order does not matter;
 * concurrent calls converge on the same configuration.
 */
export async function ensureStreams(jsm: JetStreamManager, defs: readonly StreamDefinition[], replicas = 1): Promise<void> {
  for (const def of defs) {
    const config = toConfig(def, replicas);
    try {
      await jsm.streams.add(config);
    } catch {
      // Already there (perhaps with older limits): align it. A genuine failure resurfaces here.
      // Replication is the deployment's choice (a cluster replicates streams R3): a booting
      // service never lowers it, or one restart would leave a stream on a single node.
      const existing = await jsm.streams.info(def.name).catch(() => undefined);
      const keep = Math.max(existing?.config.num_replicas ?? 0, replicas);
      await jsm.streams.update(def.name, { ...config, num_replicas: keep });
    }
  }
}

/**
 * Raises every stream of the account (events, journals, key-value buckets) to `replicas`
 * copies; returns the names it changed. Streams already at or above it are left alone.
 */
export async function replicateAllStreams(jsm: JetStreamManager, replicas: number): Promise<string[]> {
  const changed: string[] = [];
  for await (const info of jsm.streams.list()) {
    if ((info.config.num_replicas ?? 1) >= replicas) continue;
    await jsm.streams.update(info.config.name, { ...info.config, num_replicas: replicas });
    changed.push(info.config.name);
  }
  return changed;
}
