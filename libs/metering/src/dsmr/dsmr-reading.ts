/**
 * From a parsed telegram to a {@link MeterReading}: the total import and export registers at
 * the telegram's time. Meters send either per-tariff registers (`1-0:1.8.1`, `1-0:1.8.2`…),
 * a total (`1-0:1.8.0`), or both; the reading uses the sum of the tariffs, and when a total is
 * also sent it must agree, since a disagreement means one of them is wrong and guessing which
 * would put a guess into money.
 */
import type { MeterReading } from '../meter-reading';
import { fail, ok, type Result } from '../metering-result';
import { DsmrErrorCode } from './dsmr-codes';
import type { DsmrEnergyRegister, DsmrTelegram } from './dsmr-parser';

/** Options of {@link dsmrMeterReading}. */
export interface DsmrReadingOptions {
  /**
   * The time to use when the telegram has no `0-0:1.0.0` (DSMR 2.2 and 3.0): the gateway's
   * signed receipt time. Ignored when the telegram has its own timestamp.
   */
  readonly fallbackAtMs?: number;
}

/** A reading taken from a telegram, and where its time came from. */
export interface DsmrMeterReading extends MeterReading {
  /** `meter`: the telegram's own timestamp; `gateway`: the fallback time. */
  readonly timeSource: 'meter' | 'gateway';
}

/** Codes {@link dsmrMeterReading} can fail with. */
export type DsmrReadingErrorCode =
  | typeof DsmrErrorCode.MISSING_TIMESTAMP
  | typeof DsmrErrorCode.MISSING_REGISTER
  | typeof DsmrErrorCode.INCONSISTENT_TOTAL;

/**
 * The import and export totals of `telegram` at its time. Fails with
 * `DSMR_MISSING_REGISTER` when it has no import or no export energy register (a meter that
 * cannot measure export must not read as "exported nothing"), `DSMR_INCONSISTENT_TOTAL` when
 * a total register disagrees with its tariffs, and `DSMR_MISSING_TIMESTAMP` when there is no
 * time at all.
 */
export function dsmrMeterReading(telegram: DsmrTelegram, options: DsmrReadingOptions = {}): Result<DsmrMeterReading, DsmrReadingErrorCode> {
  const importWh = total(telegram.importRegisters, 'import');
  if (!importWh.ok) return importWh;
  const exportWh = total(telegram.exportRegisters, 'export');
  if (!exportWh.ok) return exportWh;
  if (telegram.timestamp !== undefined) {
    return ok({ atMs: telegram.timestamp.utcMs, importWh: importWh.value, exportWh: exportWh.value, timeSource: 'meter' });
  }
  if (options.fallbackAtMs === undefined) {
    return fail(DsmrErrorCode.MISSING_TIMESTAMP, 'the telegram has no 0-0:1.0.0 timestamp and no fallback time was given');
  }
  return ok({ atMs: options.fallbackAtMs, importWh: importWh.value, exportWh: exportWh.value, timeSource: 'gateway' });
}

function total(registers: readonly DsmrEnergyRegister[], direction: 'import' | 'export'): Result<bigint, DsmrReadingErrorCode> {
  const code = direction === 'import' ? '1' : '2';
  if (registers.length === 0) return fail(DsmrErrorCode.MISSING_REGISTER, `no ${direction} energy register (1-0:${code}.8.x)`);
  const totalRegister = registers.find((r) => r.tariff === 0);
  const tariffs = registers.filter((r) => r.tariff !== 0);
  if (tariffs.length === 0) return ok((totalRegister as DsmrEnergyRegister).energyWh);
  const sum = tariffs.reduce((acc, r) => acc + r.energyWh, 0n);
  if (totalRegister !== undefined && totalRegister.energyWh !== sum) {
    return fail(
      DsmrErrorCode.INCONSISTENT_TOTAL,
      `1-0:${code}.8.0 is ${totalRegister.energyWh} Wh but the tariff registers add up to ${sum} Wh`,
    );
  }
  return ok(sum);
}
