import { Inject, Injectable } from '@nestjs/common';
import { AnomalyRaised, IntervalCorrected, IntervalFinalized, type DeviceType, type IntervalView } from '@ampool/contracts';
import { outboxEvent, type Emit } from '@ampool/messaging';
import { computeIntervalEnergy, intervalCorrection, MAX_READINGS_PER_CALL, type IntervalEnergy } from '@ampool/metering';
import type { Tx } from '@ampool/persistence';
import { METERING_CONFIG, type MeteringConfig } from '../config';
import { AnomaliesRepository } from './anomalies.repository';
import { IntervalsRepository, type StoredInterval } from './intervals.repository';

/**
 * Turns a device's readings into final intervals. Runs inside the transaction that stored new
 * readings (or the estimation sweep), under the device's lock. Each interval is written once
 * per revision: the first finalization is revision 0 and announced as finalized; if a later
 * computation differs (a late reading, an estimate now measured) the difference becomes the
 * next revision and is announced as a correction. Nothing is ever overwritten.
 */
@Injectable()
export class Finalizer {
  constructor(
    private readonly intervals: IntervalsRepository,
    private readonly anomalies: AnomaliesRepository,
    @Inject(METERING_CONFIG) private readonly config: MeteringConfig,
  ) {}

  /**
   * Finalizes what the readings allow. `sinceMs` is the earliest time new readings touch (or
   * undefined for a sweep); returns how many interval revisions were written.
   */
  async run(tx: Tx, emit: Emit, device: { did: string; owner: string; type: DeviceType; ratedPowerW: bigint }, sinceMs: number | undefined, nowMs: number): Promise<number> {
    const lengthMs = this.config.INTERVAL_MINUTES * 60_000;
    const cursor = await this.intervals.cursor(tx, device.did);
    const pendingMs = cursor?.pendingFrom?.getTime();
    const anchor = Math.min(sinceMs ?? Number.POSITIVE_INFINITY, pendingMs ?? Number.POSITIVE_INFINITY);
    if (!Number.isFinite(anchor)) return 0;
    // Two intervals of lead-in: estimation looks one interval back, and the boundary before
    // `anchor` needs the readings around it.
    const fromMs = Math.floor(anchor / lengthMs) * lengthMs - 2 * lengthMs;
    const readings = await this.intervals.readingsFrom(tx, device.did, fromMs, MAX_READINGS_PER_CALL - 1);
    const report = computeIntervalEnergy(readings, { ratedPowerW: device.ratedPowerW }, {
      intervalMinutes: this.config.INTERVAL_MINUTES as 5 | 15 | 30 | 60,
      nowMs,
      estimateAfterMs: this.config.ESTIMATE_AFTER_MINUTES * 60_000,
    });
    if (!report.ok) throw new Error(`interval computation refused the stored readings: ${report.code}: ${report.message}`);
    const { intervals, anomalies, pendingFromMs } = report.value;

    const written: StoredInterval[] = [];
    if (intervals.length > 0) {
      const first = intervals[0]!.startMs;
      const last = intervals[intervals.length - 1]!.startMs;
      const existing = await this.intervals.latestRevisions(tx, device.did, this.config.INTERVAL_MINUTES, first, last);
      for (const interval of intervals) {
        const before = existing.get(interval.startMs);
        if (!before) {
          written.push(stored(interval, 0));
          emit(outboxEvent(IntervalFinalized, { ...fact(device, interval, this.config.INTERVAL_MINUTES), revision: 0 }, 'metering'));
          continue;
        }
        const correction = intervalCorrection(asEngineInterval(before, lengthMs), interval);
        if (!correction.ok || !correction.value.needed) continue;
        const revision = before.revision + 1;
        written.push(stored(interval, revision));
        emit(
          outboxEvent(
            IntervalCorrected,
            {
              ...fact(device, interval, this.config.INTERVAL_MINUTES),
              revision,
              importDeltaWh: correction.value.importDeltaWh,
              exportDeltaWh: correction.value.exportDeltaWh,
              reasons: [...correction.value.reasons],
            },
            'metering',
          ),
        );
      }
      await this.intervals.insertIntervals(tx, device.did, this.config.INTERVAL_MINUTES, written);
    }

    for (const a of await this.anomalies.record(tx, device.did, anomalies)) {
      emit(outboxEvent(AnomalyRaised, { device: device.did, code: a.code, from: new Date(a.fromMs), to: new Date(a.toMs), details: a.message.slice(0, 1000) }, 'metering'));
    }
    const lastReading = readings.length > 0 ? new Date(readings[readings.length - 1]!.atMs) : (cursor?.lastReadingAt ?? null);
    const pendingFrom = pendingFromMs !== undefined ? new Date(pendingFromMs) : (cursor?.pendingFrom ?? null);
    await this.intervals.saveCursor(tx, { device: device.did, owner: device.owner, pendingFrom, lastReadingAt: lastReading });
    return written.length;
  }
}

function stored(i: IntervalEnergy, revision: number): StoredInterval {
  return {
    startMs: i.startMs,
    revision,
    importWh: i.importWh,
    exportWh: i.exportWh,
    quality: i.quality,
    estimated: i.estimated,
    anomalies: [...i.anomalies],
    socEndWh: i.socEndWh ?? null,
  };
}

function fact(device: { did: string; owner: string; type: DeviceType }, i: IntervalEnergy, minutes: number) {
  return {
    device: device.did,
    owner: device.owner,
    deviceType: device.type,
    intervalStart: new Date(i.startMs),
    intervalMinutes: minutes,
    importWh: i.importWh,
    exportWh: i.exportWh,
    quality: i.quality,
    estimated: i.estimated,
    anomalies: [...i.anomalies] as IntervalView['anomalies'],
    socEndWh: i.socEndWh ?? null,
  };
}

/** A stored interval in the shape the engine compares (registers are not needed for that). */
function asEngineInterval(s: StoredInterval, lengthMs: number): IntervalEnergy {
  return {
    startMs: s.startMs,
    endMs: s.startMs + lengthMs,
    importWh: s.importWh,
    exportWh: s.exportWh,
    quality: s.quality,
    estimated: s.estimated,
    anomalies: s.anomalies as IntervalEnergy['anomalies'],
    startRegisters: { importWh: 0n, exportWh: 0n },
    endRegisters: { importWh: 0n, exportWh: 0n },
  };
}
