import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { jetstream } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { NATS_CONNECTION } from '@ampool/messaging';

/** Nonces are remembered for twice the accepted clock skew: older signatures are refused anyway. */
export const NONCE_MEMORY_MS = 10 * 60_000;
export const NONCE_BUCKET = 'AUTH_NONCES';

/**
 * Seen nonces in a JetStream key-value bucket shared by every gateway instance. `create`
 * succeeds only for a key that does not exist, so two instances receiving the same replayed
 * request cannot both accept it; the bucket's TTL forgets nonces once they are too old to matter.
 */
@Injectable()
export class NonceStore implements OnModuleInit {
  private kv!: KV;
  private readonly logger = new Logger(NonceStore.name);

  constructor(@Inject(NATS_CONNECTION) private readonly nc: NatsConnection) {}

  async onModuleInit(): Promise<void> {
    this.kv = await new Kvm(jetstream(this.nc)).create(NONCE_BUCKET, { ttl: NONCE_MEMORY_MS, history: 1 });
  }

  /** Records the nonce; false when this key has used it before. */
  async claim(keyId: string, nonce: string): Promise<boolean> {
    const key = createHash('sha256').update(`${keyId}\n${nonce}`).digest('hex');
    try {
      await this.kv.create(key, '');
      return true;
    } catch (error) {
      if (/wrong last sequence|key exists/i.test((error as Error).message)) return false;
      this.logger.error(`nonce store failed: ${(error as Error).message}`);
      throw error;
    }
  }
}
