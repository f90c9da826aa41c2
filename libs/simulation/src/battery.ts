/** A home battery's ratings. Energies in Wh, power in W. */
export interface BatterySpec {
  capacityWh: bigint;
  powerW: bigint;
  /** Kept in reserve, never sold or used for the house (backup). */
  reserveWh: bigint;
  /** Round-trip efficiency in percent (e.g. 90): split evenly between charging and discharging. */
  roundTripPercent: number;
}

/**
 * A battery's state of charge over time. Integer Wh throughout: losses are rounded down on the
 * way in and up on the way out, so the battery never creates energy.
 */
export class Battery {
  private soc: bigint;
  /** Efficiency of one direction, as parts per million (√ of the round trip). */
  private readonly oneWayPpm: bigint;

  constructor(
    readonly spec: BatterySpec,
    initialSocWh: bigint = spec.reserveWh,
  ) {
    if (spec.reserveWh > spec.capacityWh) throw new RangeError('reserve above capacity');
    this.soc = initialSocWh < spec.reserveWh ? spec.reserveWh : initialSocWh > spec.capacityWh ? spec.capacityWh : initialSocWh;
    this.oneWayPpm = BigInt(Math.round(Math.sqrt(spec.roundTripPercent / 100) * 1_000_000));
  }

  get socWh(): bigint {
    return this.soc;
  }

  /** Energy above the reserve that could be delivered (after losses). */
  get deliverableWh(): bigint {
    return ((this.soc - this.spec.reserveWh) * this.oneWayPpm) / 1_000_000n;
  }

  /** The most energy the inverter moves in an interval of `minutes`. */
  maxPerInterval(minutes: number): bigint {
    return (this.spec.powerW * BigInt(minutes)) / 60n;
  }

  /** Offers `wh` from outside; returns how much was taken (stored energy is less, by the losses). */
  charge(wh: bigint, minutes: number): bigint {
    const limit = this.maxPerInterval(minutes);
    const room = this.spec.capacityWh - this.soc;
    // Energy taken in, such that what is stored (taken × efficiency) fits the room.
    const maxTaken = (room * 1_000_000n) / this.oneWayPpm;
    const taken = min(wh, limit, maxTaken);
    if (taken <= 0n) return 0n;
    this.soc += (taken * this.oneWayPpm) / 1_000_000n;
    return taken;
  }

  /** Asks for `wh` to be delivered; returns what it delivered (the state of charge drops by more). */
  discharge(wh: bigint, minutes: number): bigint {
    const delivered = min(wh, this.maxPerInterval(minutes), this.deliverableWh);
    if (delivered <= 0n) return 0n;
    const drawn = (delivered * 1_000_000n + this.oneWayPpm - 1n) / this.oneWayPpm;
    this.soc -= drawn;
    if (this.soc < this.spec.reserveWh) this.soc = this.spec.reserveWh;
    return delivered;
  }
}

function min(...values: bigint[]): bigint {
  return values.reduce((a, b) => (b < a ? b : a));
}
