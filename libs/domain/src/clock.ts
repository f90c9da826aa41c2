/**
 * The time business rules run on (gate closure, order windows, hold timeouts, interval
 * finalization). Production uses the machine's clock; the demo and load runs use simulated
 * time shared by every service, so a week of market can pass in minutes. Transport security
 * (signature freshness, nonce memory, session expiry) always uses real time, never this.
 */
export abstract class Clock {
  abstract now(): number;
}

/** The machine's clock. */
export class SystemClock extends Clock {
  now(): number {
    return Date.now();
  }
}

/**
 * Simulated time as a line through one reference point: at real time `realAtMs` it was
 * `simAtMs`, and it advances `rate` simulated ms per real ms from there (0: time stands still
 * until the next setting — stepped runs).
 */
export interface ClockSetting {
  simAtMs: number;
  realAtMs: number;
  rate: number;
}

/** Simulated now for a setting at a real instant. */
export function simulatedNow(setting: ClockSetting, realNowMs: number): number {
  return Math.floor(setting.simAtMs + Math.max(0, realNowMs - setting.realAtMs) * setting.rate);
}

/**
 * A clock that follows a ClockSetting and never runs backwards: a new setting that would put it
 * behind what it already said holds it still until simulated time catches up.
 */
export class ScaledClock extends Clock {
  private last = -Infinity;

  constructor(
    private setting: ClockSetting,
    private readonly realNow: () => number = Date.now,
  ) {
    super();
  }

  get current(): ClockSetting {
    return this.setting;
  }

  set(setting: ClockSetting): void {
    this.setting = setting;
  }

  now(): number {
    const t = Math.max(this.last, simulatedNow(this.setting, this.realNow()));
    this.last = t;
    return t;
  }
}
