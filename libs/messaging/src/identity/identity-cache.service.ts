import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { AppError, DeviceGet, DeviceStatusChanged, ErrorCode, KeyResolve, KeyRetired, ParticipantStatusChanged, type DeviceView, type ResolvedKey } from '@ampool/contracts';
import { NATS_CONNECTION } from '../nats-connection';
import { RpcClient } from '../rpc/rpc-client';

const TTL_MS = 30_000;
const UNKNOWN_TTL_MS = 5_000;
const MAX_ENTRIES = 20_000;

/**
 * What identity says about keys and devices, cached for a short while. Identity announces
 * every retired key and every participant or device status change; the cache drops the affected entries
 * the moment those events arrive, so a revoked key is refused within the time a message takes
 * to travel, and the TTL is only the backstop if an event is missed. Used by every service
 * that checks signatures itself (the gateway, metering).
 */
@Injectable()
export class IdentityCache implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(IdentityCache.name);
  private readonly keys = new Map<string, { value: ResolvedKey | null; expires: number }>();
  private readonly devices = new Map<string, { value: DeviceView; expires: number }>();
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
          if (!parsed.success) return;
          this.keys.delete(parsed.data.data.key);
          this.devices.delete(parsed.data.data.subject);
        },
      }),
      this.nc.subscribe(ParticipantStatusChanged.subject, {
        callback: (_e, msg) => {
          const parsed = ParticipantStatusChanged.envelope.safeParse(msg.json());
          if (parsed.success) this.dropSubject(parsed.data.data.did);
        },
      }),
      // A resolved key carries its device's status, so the device's keys go with its registration.
      this.nc.subscribe(DeviceStatusChanged.subject, {
        callback: (_e, msg) => {
          const parsed = DeviceStatusChanged.envelope.safeParse(msg.json());
          if (parsed.success) this.dropSubject(parsed.data.data.did);
        },
      }),
    ];
  }

  onModuleDestroy(): void {
    for (const s of this.subscriptions) s.unsubscribe();
  }

  /** The key, or AppError KEY_UNKNOWN. Retired keys are returned with their status. */
  async resolveKey(keyId: string): Promise<ResolvedKey> {
    const now = Date.now();
    const hit = this.keys.get(keyId);
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
    bounded(this.keys).set(keyId, { value, expires: now + (value ? TTL_MS : UNKNOWN_TTL_MS) });
    if (value === null) throw new AppError(ErrorCode.KEY_UNKNOWN, `no key ${keyId}`);
    return value;
  }

  /** A device's registration (type, ratings, owner); AppError NOT_FOUND when unknown. */
  async device(did: string): Promise<DeviceView> {
    const now = Date.now();
    const hit = this.devices.get(did);
    if (hit && hit.expires > now) return hit.value;
    const { device } = await this.rpc.request(DeviceGet, { did });
    bounded(this.devices).set(did, { value: device, expires: now + TTL_MS });
    return device;
  }

  private dropSubject(did: string): void {
    let dropped = 0;
    for (const [keyId, e] of this.keys) {
      const s = e.value?.subject;
      if (s && (s.did === did || (s.kind === 'device' && s.owner === did))) {
        this.keys.delete(keyId);
        dropped++;
      }
    }
    this.devices.delete(did);
    for (const [deviceDid, e] of this.devices) if (e.value.owner === did) this.devices.delete(deviceDid);
    if (dropped > 0) this.logger.debug(`dropped ${dropped} cached key(s) of ${did}`);
  }
}

/** Makes room for one more entry: the oldest goes first (a Map keeps insertion order). */
function bounded<K, V>(map: Map<K, V>): Map<K, V> {
  if (map.size >= MAX_ENTRIES) map.delete(map.keys().next().value as K);
  return map;
}
