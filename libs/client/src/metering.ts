import { readingBatchSigningBytes, telegramSigningBytes, type DsmrTimeZone, type MeterReading } from '@ampool/metering';
import { signEd25519 } from '@ampool/crypto';
import type { SigningKey } from '@ampool/http-signature';
import type { AmpoolClient } from './ampool-client';
import { signingWith } from './identities';

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');

/** A device as it uploads: its did and its current signing key. */
export interface UploadingDevice {
  did: string;
  key: SigningKey;
}

export interface ReadingsOutcome {
  stored: number;
  duplicates: number;
  refused: { at: string; code: string }[];
  finalized: number;
}

/** Uploads cumulative readings, signed by the device over the batch and over the request. */
export function uploadReadings(client: AmpoolClient, device: UploadingDevice, readings: MeterReading[]): Promise<ReadingsOutcome> {
  const batch = { device: device.did, key: device.key.keyId, readings };
  return client.post<ReadingsOutcome>(
    '/v1/metering/readings',
    {
      device: device.did,
      key: device.key.keyId,
      readings: readings.map((r) => ({
        at: new Date(r.atMs).toISOString(),
        importWh: r.importWh.toString(),
        exportWh: r.exportWh.toString(),
        ...(r.socWh === undefined ? {} : { socWh: r.socWh.toString() }),
      })),
      signature: b64(signEd25519(device.key.secretKey, readingBatchSigningBytes(batch))),
    },
    signingWith(device.key),
  );
}

/** Uploads one raw DSMR telegram as a P1 gateway read it, signed over its exact bytes. */
export function uploadTelegram(client: AmpoolClient, gateway: UploadingDevice, telegram: string, timeZone: DsmrTimeZone, receivedAt = new Date()) {
  const submission = { gateway: gateway.did, key: gateway.key.keyId, receivedAtMs: receivedAt.getTime(), timeZone, telegram: new TextEncoder().encode(telegram) };
  return client.post<{ reading: { at: string; importWh: string; exportWh: string }; crc: string; duplicate: boolean; finalized: number }>(
    '/v1/metering/telegrams',
    {
      gateway: gateway.did,
      key: gateway.key.keyId,
      receivedAt: receivedAt.toISOString(),
      timeZone,
      telegram,
      signature: b64(signEd25519(gateway.key.secretKey, telegramSigningBytes(submission))),
    },
    signingWith(gateway.key),
  );
}
