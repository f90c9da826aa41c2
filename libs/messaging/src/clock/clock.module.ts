import { Global, Inject, Injectable, Logger, Module, type DynamicModule, type OnModuleDestroy } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import { Kvm, type KV, type KvWatchEntry } from '@nats-io/kv';
import { CLOCK_BUCKET, CLOCK_KEY, clockSetting } from '@ampool/contracts';
import { Clock, ScaledClock, SystemClock, type ClockSetting } from '@ampool/domain';
import { NATS_CONNECTION } from '../nats-connection';

export type ClockMode = 'system' | 'shared';

/** Reads a setting from the clock bucket, or undefined when there is none (or it is malformed). */
function decode(value: Uint8Array | undefined): ClockSetting | undefined {
  if (!value || value.length === 0) return undefined;
  try {
    const parsed = clockSetting.safeParse(JSON.parse(new TextDecoder().decode(value)));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Simulated time from the shared clock bucket: starts from the setting present at boot (it
 * refuses to start without one) and follows every change the simulator writes.
 */
@Injectable()
export class SharedClock extends ScaledClock implements OnModuleDestroy {
  private readonly logger = new Logger(SharedClock.name);
  private stopWatching?: () => void;

  static async connect(nc: NatsConnection): Promise<SharedClock> {
    let kv: KV;
    let first: ClockSetting | undefined;
    try {
      kv = await new Kvm(jetstream(nc)).open(CLOCK_BUCKET);
      first = decode((await kv.get(CLOCK_KEY))?.value);
    } catch (error) {
      throw new Error(`CLOCK=shared, but the clock bucket ${CLOCK_BUCKET} cannot be read (${(error as Error).message}); the demo or simulator creates it`);
    }
    if (!first) throw new Error(`CLOCK=shared, but ${CLOCK_BUCKET}/${CLOCK_KEY} holds no valid setting; the demo or simulator writes it`);
    const clock = new SharedClock(first);
    await clock.follow(kv);
    return clock;
  }

  private async follow(kv: KV): Promise<void> {
    const watch = await kv.watch({ key: CLOCK_KEY });
    this.stopWatching = () => watch.stop();
    void (async () => {
      for await (const entry of watch as AsyncIterable<KvWatchEntry>) {
        const setting = decode(entry.value);
        if (setting) this.set(setting);
        else if (entry.operation === 'PUT') this.logger.warn('ignored a malformed clock setting');
      }
    })();
  }

  onModuleDestroy(): void {
    this.stopWatching?.();
  }
}

/** Provides `Clock`: the machine's, or the shared simulated one (`CLOCK=shared`). */
@Global()
@Module({})
export class ClockModule {
  static forRoot(mode: ClockMode): DynamicModule {
    return {
      module: ClockModule,
      providers: [
        mode === 'shared'
          ? { provide: Clock, useFactory: (nc: NatsConnection) => SharedClock.connect(nc), inject: [NATS_CONNECTION] }
          : { provide: Clock, useValue: new SystemClock() },
      ],
      exports: [Clock],
    };
  }
}

/** Writes a clock setting (the simulator and the demo): creates the bucket when needed. */
export async function publishClockSetting(nc: NatsConnection, setting: ClockSetting): Promise<void> {
  const kv = await new Kvm(jetstream(nc)).create(CLOCK_BUCKET, { history: 1 });
  await kv.put(CLOCK_KEY, JSON.stringify(clockSetting.parse(setting)));
}

/** The shared clock's current setting, or undefined when none was ever written. */
export async function readClockSetting(nc: NatsConnection): Promise<ClockSetting | undefined> {
  try {
    const kv = await new Kvm(jetstream(nc)).open(CLOCK_BUCKET);
    return decode((await kv.get(CLOCK_KEY))?.value);
  } catch {
    return undefined;
  }
}
