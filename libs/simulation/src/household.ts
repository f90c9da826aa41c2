import { Battery, type BatterySpec } from './battery';
import type { LoadProfile } from './load';
import { loadPowerW } from './load';
import type { SeededRandom } from './seeded-random';
import { pvPowerW } from './solar';

/** A household of the simulated neighbourhood. */
export interface HouseholdSpec {
  id: number;
  zone: string;
  pvPeakW: number;
  battery: BatterySpec | null;
  load: LoadProfile;
  /** kWh an electric car takes on the evenings it charges, or 0 without one. */
  evKwhPerSession: number;
  evChargerW: number;
}

/** What happened in one household in one interval, all in whole Wh. */
export interface HouseholdInterval {
  startMs: number;
  loadWh: bigint;
  pvWh: bigint;
  evWh: bigint;
  batteryChargeWh: bigint;
  batteryDischargeWh: bigint;
  /** Drawn from the grid connection (whoever sells it: a neighbour or the utility). */
  importWh: bigint;
  /** Fed into the grid connection. */
  exportWh: bigint;
  batterySocWh: bigint | null;
}

const SITE = { latitudeDeg: 52.37, longitudeDeg: 4.89 };

/**
 * One household stepped through time: PV and consumption from the models, the battery serving
 * the house first (charging from surplus, covering shortfall above its reserve), and the rest
 * crossing the grid connection. Every interval balances exactly:
 * pv + discharge + import = load + ev + charge + export.
 */
export class SimulatedHousehold {
  private readonly battery: Battery | null;
  private readonly importRegister = { value: 0n };
  private readonly exportRegister = { value: 0n };

  constructor(
    readonly spec: HouseholdSpec,
    private readonly weather: SeededRandom,
    private readonly random: SeededRandom,
  ) {
    this.battery = spec.battery ? new Battery(spec.battery, (spec.battery.capacityWh + spec.battery.reserveWh) / 2n) : null;
  }

  /** Cumulative grid-meter registers, as the household's meter reports them. */
  get registers(): { importWh: bigint; exportWh: bigint } {
    return { importWh: this.importRegister.value, exportWh: this.exportRegister.value };
  }

  get batterySocWh(): bigint | null {
    return this.battery?.socWh ?? null;
  }

  /** Energy the household expects to have spare over the interval (a simple persistence forecast). */
  forecastSurplusWh(startMs: number, minutes: number): bigint {
    const ms = minutes * 60_000;
    const pv = BigInt(Math.round((pvPowerW(startMs, ms, this.spec.pvPeakW, SITE, this.weather) * minutes) / 60));
    const load = BigInt(Math.round((loadPowerW(startMs, ms, this.spec.load, this.random) * minutes) / 60));
    const fromBattery = this.battery ? minBig(this.battery.deliverableWh, this.battery.maxPerInterval(minutes)) : 0n;
    const surplus = pv - load + fromBattery;
    return surplus > 0n ? surplus : 0n;
  }

  /**
   * What the household expects for an interval ahead: surplus it could sell (PV above its own
   * use, plus what the battery can deliver above its reserve) and deficit it must buy (use the
   * PV and battery cannot cover). Uses the models' own curves (a perfect-weather-knowledge
   * forecast at the day level; the interval's passing clouds and load noise still surprise it).
   */
  forecast(startMs: number, minutes: number): { surplusWh: bigint; deficitWh: bigint } {
    const ms = minutes * 60_000;
    const pv = BigInt(Math.round((pvPowerW(startMs, ms, this.spec.pvPeakW, SITE, this.weather) * minutes) / 60));
    const use = BigInt(Math.round((loadPowerW(startMs, ms, this.spec.load, this.random) * minutes) / 60)) + this.evDemandWh(startMs, minutes);
    const fromBattery = this.battery ? minBig(this.battery.deliverableWh, this.battery.maxPerInterval(minutes)) : 0n;
    const net = pv - use;
    if (net >= 0n) return { surplusWh: net + fromBattery, deficitWh: 0n };
    const uncovered = -net - fromBattery;
    return uncovered > 0n ? { surplusWh: 0n, deficitWh: uncovered } : { surplusWh: fromBattery + net, deficitWh: 0n };
  }

  /**
   * Runs one interval and moves the meter registers. `soldWh` is what the household sold to
   * neighbours for this interval: a battery discharges (within its power) to deliver what PV
   * surplus does not, as a seller that means to keep its contract would.
   */
  step(startMs: number, minutes: number, soldWh = 0n): HouseholdInterval {
    const ms = minutes * 60_000;
    const pvWh = BigInt(Math.round((pvPowerW(startMs, ms, this.spec.pvPeakW, SITE, this.weather) * minutes) / 60));
    const loadWh = BigInt(Math.round((loadPowerW(startMs, ms, this.spec.load, this.random) * minutes) / 60));
    const evWh = this.evDemandWh(startMs, minutes);
    const demand = loadWh + evWh;
    let batteryChargeWh = 0n;
    let batteryDischargeWh = 0n;
    let importWh = 0n;
    let exportWh = 0n;
    if (pvWh >= demand) {
      const surplus = pvWh - demand;
      // What was sold is exported first; only the rest goes into the battery.
      batteryChargeWh = this.battery && surplus > soldWh ? this.battery.charge(surplus - soldWh, minutes) : 0n;
      exportWh = surplus - batteryChargeWh;
    } else {
      const shortfall = demand - pvWh;
      batteryDischargeWh = this.battery ? this.battery.discharge(shortfall, minutes) : 0n;
      importWh = shortfall - batteryDischargeWh;
    }
    if (this.battery && exportWh < soldWh && importWh === 0n) {
      const headroom = this.battery.maxPerInterval(minutes) - batteryDischargeWh;
      const extra = this.battery.discharge(minBig(soldWh - exportWh, headroom > 0n ? headroom : 0n), minutes);
      batteryDischargeWh += extra;
      exportWh += extra;
    }
    this.importRegister.value += importWh;
    this.exportRegister.value += exportWh;
    return { startMs, loadWh, pvWh, evWh, batteryChargeWh, batteryDischargeWh, importWh, exportWh, batterySocWh: this.batterySocWh };
  }

  /** An electric car plugged in on some evenings, charging at full power until it has its kWh. */
  private evDemandWh(startMs: number, minutes: number): bigint {
    if (this.spec.evKwhPerSession <= 0) return 0n;
    const day = Math.floor(startMs / 86_400_000);
    const r = this.random.fork(`ev-${day}`);
    if (!r.chance(0.45)) return 0n;
    const plugInMs = day * 86_400_000 + (17 + r.int(0, 3)) * 3_600_000;
    const sessionMs = ((this.spec.evKwhPerSession * 1000) / this.spec.evChargerW) * 3_600_000;
    const from = Math.max(startMs, plugInMs);
    const to = Math.min(startMs + minutes * 60_000, plugInMs + sessionMs);
    if (to <= from) return 0n;
    return BigInt(Math.round((this.spec.evChargerW * (to - from)) / 3_600_000));
  }
}

function minBig(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}
