import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { AppError, ErrorCode, KeyResolve, KeyRetired, ParticipantStatusChanged, type ResolvedKey } from '@ampool/contracts';
import { NATS_CONNECTION, RpcClient } from '@ampool/messaging';

const TTL_MS = 30_000;
const UNKNOWN_TTL_MS = 5_000;
const MAX_ENTRIES = 20_000;

/**
 * Keys by keyid, as identity resolves them, cached for a short while. Identity announces
 * every retired key and every status change; the cache drops the affected entries the moment
 * those events arrive, so a revoked key is refused within the time a message takes to travel,
 * and the TTL is only the backstop if an event is missed.
 */
@Injectable()
export class KeyCache implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(KeyCache.name);
  private readonly entries = new Map<string, { value: ResolvedKey | null; expires: number }>();
  private subscriptions: Subscription[] = [];

  constructor(
    private readonly rpc: RpcClient,
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
  ) {}

  onModuleInit(): void {
    this.subscriptions = [
      this.nc.subscribe(KeyRetired.subject, {
        callback: (_e, msg) => {
          const parsed = KeyRetired.envelope.safeParse(msg.json());
          if (parsed.success) this.entries.delete(parsed.data.data.key);
        },
      }),
      this.nc.subscribe(ParticipantStatusChanged.subject, {
        callback: (_e, msg) => {
          const parsed = ParticipantStatusChanged.envelope.safeParse(msg.json());
          if (parsed.success) this.dropSubject(parsed.data.data.did);
        },
      }),
    ];
  }

  onModuleDestroy(): void {
    for (const s of this.subscriptions) s.unsubscribe();
  }

  /** The key, or AppError KEY_UNKNOWN. Retired keys are returned with their status. */
  async resolve(keyId: string): Promise<ResolvedKey> {
    const now = Date.now();
    const hit = this.entries.get(keyId);
    if (hit && hit.expires > now) {
      if (hit.value === null) throw new AppError(ErrorCode.KEY_UNKNOWN, `no key ${keyId}`);
      return hit.value;
    }
    let value: ResolvedKey | null;
    try {
      value = await this.rpc.request(KeyResolve, { key: keyId });
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== ErrorCode.KEY_UNKNOWN) throw error;
      value = null;
    }
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(keyId, { value, expires: now + (value ? TTL_MS : UNKNOWN_TTL_MS) });
    if (value === null) throw new AppError(ErrorCode.KEY_UNKNOWN, `no key ${keyId}`);
    return value;
  }

  private dropSubject(did: string): void {
    let dropped = 0;
    for (const [keyId, e] of this.entries) {
      const s = e.value?.subject;
      if (s && (s.did === did || (s.kind === 'device' && s.owner === did))) {
        this.entries.delete(keyId);
        dropped++;
      }
    }
    if (dropped > 0) this.logger.debug(`dropped ${dropped} cached key(s) of ${did}`);
  }
}
