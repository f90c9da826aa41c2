import type { NatsConnection } from '@nats-io/transport-node';
import { Clock, ScaledClock, type ClockSetting } from '@ampool/domain';
import { publishClockSetting } from '@ampool/messaging';

/**
 * The simulator's hold on shared simulated time: it writes the setting every service with
 * `CLOCK=shared` follows, and keeps the same line itself. Live runs let time flow at a fixed
 * rate; headless runs stand time still and step it from one interval boundary to the next,
 * as fast as the system keeps up.
 */
export class SimTime extends Clock {
  private readonly clock: ScaledClock;

  constructor(
    private readonly nc: NatsConnection,
    initial: ClockSetting,
    private readonly realNow: () => number = Date.now,
  ) {
    super();
    this.clock = new ScaledClock(initial, realNow);
  }

  now(): number {
    return this.clock.now();
  }

  get rate(): number {
    return this.clock.current.rate;
  }

  /** Lets time run from `simAtMs` (or from now) at `rate` simulated ms per real ms. */
  async run(rate: number, simAtMs = this.now()): Promise<void> {
    await this.write({ simAtMs, realAtMs: this.realNow(), rate });
  }

  /** Stands time still at `simAtMs` (headless stepping). Never moves time backwards. */
  async stepTo(simAtMs: number): Promise<void> {
    await this.write({ simAtMs: Math.max(simAtMs, this.now()), realAtMs: this.realNow(), rate: 0 });
  }

  /** Real milliseconds until simulated time reaches `simMs` (0 if it has; Infinity if time stands still). */
  realMsUntil(simMs: number): number {
    const ahead = simMs - this.now();
    if (ahead <= 0) return 0;
    return this.rate > 0 ? Math.ceil(ahead / this.rate) : Infinity;
  }

  private async write(setting: ClockSetting): Promise<void> {
    this.clock.set(setting);
    await publishClockSetting(this.nc, setting);
  }
}
