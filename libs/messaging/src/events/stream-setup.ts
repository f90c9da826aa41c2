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
      await jsm.streams.update(def.name, config);
    }
  }
}
