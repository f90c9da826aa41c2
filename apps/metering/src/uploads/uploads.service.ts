import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AnomalyRaised, AppError, ErrorCode } from '@ampool/contracts';
import { Clock, uuidv7 } from '@ampool/domain';
import { outboxEvent, UnitOfWork } from '@ampool/messaging';
import {
  DEFAULT_ANOMALY_POLICY,
  dsmrMeterReading,
  parseDsmrTelegram,
  readingBatchSigningBytes,
  telegramSigningBytes,
  verifyReadingBatch,
  verifyTelegramSubmission,
  type MeterReading,
  type DsmrTimeZone,
} from '@ampool/metering';
import { AnomaliesRepository } from '../intervals/anomalies.repository';
import { Finalizer } from '../intervals/finalizer.service';
import { IntervalsRepository } from '../intervals/intervals.repository';
import { DeviceAuthority, type ReportingDevice } from './device-authority';
import { UploadsRepository } from './uploads.repository';

type RefusedCode = 'CLOCK_SKEW' | 'TOO_OLD' | 'CONFLICTING_DUPLICATE';

/**
 * Devices' uploads: signed reading batches and signed DSMR telegrams. An upload is checked
 * (the key is the device's active key, the device and its owner are active, the signature
 * verifies over the exact bytes), then stored with its signature, and the device's intervals
 * are finalized as far as the readings allow — all in one transaction under the device's lock.
 */
@Injectable()
export class UploadsService {
  constructor(
    private readonly authority: DeviceAuthority,
    private readonly uploads: UploadsRepository,
    private readonly anomalies: AnomaliesRepository,
    private readonly finalizer: Finalizer,
    private readonly intervals: IntervalsRepository,
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  async submitReadings(input: { device: string; key: string; readings: { at: Date; importWh: bigint; exportWh: bigint; socWh?: bigint }[]; signature: string }) {
    const device = await this.authority.check(input.device, input.key);
    const readings: MeterReading[] = input.readings.map((r) => ({ atMs: r.at.getTime(), importWh: r.importWh, exportWh: r.exportWh, ...(r.socWh === undefined ? {} : { socWh: r.socWh }) }));
    const batch = { device: input.device, key: input.key, readings };
    const signature = new Uint8Array(Buffer.from(input.signature, 'base64url'));
    if (!verifyReadingBatch(device.publicKey, batch, signature)) {
      await this.recordBadSignature(device.did, readings);
      throw new AppError(ErrorCode.PROOF_INVALID, 'the reading batch signature does not verify');
    }
    return this.store(device, 'readings', input.key, signature, readingBatchSigningBytes(batch), readings);
  }

  async submitTelegram(input: { gateway: string; key: string; receivedAt: Date; timeZone: DsmrTimeZone; telegram: string; signature: string }) {
    const device = await this.authority.check(input.gateway, input.key, ['p1_gateway']);
    const bytes = new TextEncoder().encode(input.telegram);
    const submission = { gateway: input.gateway, key: input.key, receivedAtMs: input.receivedAt.getTime(), timeZone: input.timeZone, telegram: bytes };
    const signature = new Uint8Array(Buffer.from(input.signature, 'base64url'));
    if (!verifyTelegramSubmission(device.publicKey, submission, signature)) {
      await this.recordBadSignature(device.did, [{ atMs: submission.receivedAtMs, importWh: 0n, exportWh: 0n }]);
      throw new AppError(ErrorCode.PROOF_INVALID, 'the telegram signature does not verify');
    }
    const parsed = parseDsmrTelegram(bytes, { timeZone: input.timeZone });
    if (!parsed.ok) {
      const code = parsed.code === 'DSMR_CRC_MISMATCH' ? ErrorCode.TELEGRAM_CRC_MISMATCH : ErrorCode.TELEGRAM_MALFORMED;
      throw new AppError(code, parsed.message, { dsmrCode: parsed.code });
    }
    const reading = dsmrMeterReading(parsed.value, { fallbackAtMs: submission.receivedAtMs });
    if (!reading.ok) throw new AppError(ErrorCode.TELEGRAM_MALFORMED, reading.message, { dsmrCode: reading.code });
    const { timeSource: _, ...r } = reading.value;
    const outcome = await this.store(device, 'telegram', input.key, signature, telegramSigningBytes(submission), [r]);
    return {
      reading: { at: new Date(r.atMs), importWh: r.importWh, exportWh: r.exportWh },
      crc: parsed.value.crcStatus,
      duplicate: outcome.duplicates === 1,
      finalized: outcome.finalized,
    };
  }

  private async store(device: ReportingDevice, kind: 'readings' | 'telegram', key: string, signature: Uint8Array<ArrayBuffer>, signedBytes: Uint8Array, readings: MeterReading[]) {
    const nowMs = this.clock.now();
    // Readings stamped too far ahead would finalize intervals early; too old ones belong to
    // settled history. Neither is stored; both are recorded as anomalies.
    const refused: { at: string; code: RefusedCode }[] = [];
    const timely = readings.filter((r) => {
      if (r.atMs > nowMs + DEFAULT_ANOMALY_POLICY.clockSkewToleranceMs) refused.push({ at: new Date(r.atMs).toISOString(), code: 'CLOCK_SKEW' });
      else if (r.atMs < nowMs - DEFAULT_ANOMALY_POLICY.maxReadingAgeMs) refused.push({ at: new Date(r.atMs).toISOString(), code: 'TOO_OLD' });
      else return true;
      return false;
    });
    return this.uow.run(async (tx, emit) => {
      await this.intervals.lockDevice(tx, device.did);
      const existing = await this.uploads.existing(tx, device.did, timely.map((r) => new Date(r.atMs)));
      const fresh: MeterReading[] = [];
      let duplicates = 0;
      for (const r of timely) {
        const stored = existing.get(r.atMs);
        if (!stored) fresh.push(r);
        else if (stored.importWh === r.importWh && stored.exportWh === r.exportWh && stored.socWh === r.socWh) duplicates++;
        else refused.push({ at: new Date(r.atMs).toISOString(), code: 'CONFLICTING_DUPLICATE' });
      }
      const batchId = uuidv7();
      await this.uploads.insertBatch(tx, {
        id: batchId, device: device.did, key, kind, signature,
        payloadSha256: createHash('sha256').update(signedBytes).digest('hex'), readingCount: readings.length,
      });
      await this.uploads.insertReadings(tx, device.did, batchId, fresh);
      const newAnomalies = await this.anomalies.record(
        tx,
        device.did,
        refused.map((r) => ({ code: r.code, fromMs: Date.parse(r.at), toMs: Date.parse(r.at), message: `reading at ${r.at} refused: ${r.code}` })),
      );
      for (const a of newAnomalies) emit(outboxEvent(AnomalyRaised, { device: device.did, code: a.code, from: new Date(a.fromMs), to: new Date(a.toMs), details: a.message }, 'metering'));
      const since = fresh.length > 0 ? Math.min(...fresh.map((r) => r.atMs)) : undefined;
      const finalized = since === undefined ? 0 : await this.finalizer.run(tx, emit, device, since, nowMs);
      return { stored: fresh.length, duplicates, refused, finalized };
    });
  }

  /** A failed signature is a security fact: recorded and announced, while the upload is refused. */
  private async recordBadSignature(device: string, readings: MeterReading[]): Promise<void> {
    const times = readings.map((r) => r.atMs);
    const span = { fromMs: Math.min(...times), toMs: Math.max(...times) };
    await this.uow.run(async (tx, emit) => {
      for (const a of await this.anomalies.record(tx, device, [{ code: 'BAD_SIGNATURE', ...span, message: 'an upload whose signature does not verify was refused' }])) {
        emit(outboxEvent(AnomalyRaised, { device, code: a.code, from: new Date(a.fromMs), to: new Date(a.toMs), details: a.message }, 'metering'));
      }
    });
  }
}
