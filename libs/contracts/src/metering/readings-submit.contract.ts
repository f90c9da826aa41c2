import { z } from 'zod';
import { defineRpc } from '../contract';
import { ed25519Signature } from '../identity/participant-register.contract';
import { didKey } from '../wire/codecs';
import { meterReadingWire, meteringAnomalyCode } from './reading';

/** Most readings in one upload: a day of readings every 10 s (a device catching up uploads several). */
export const MAX_READINGS_PER_UPLOAD = 8_640;

/**
 * A device uploads readings (live, or a backlog after being offline), signed with its own key
 * over the engine's `readingBatchSigningBytes`. Readings already stored with the same values are
 * duplicates and change nothing.
 */
export const ReadingsSubmit = defineRpc(
  'rpc.metering.readings.submit',
  z.strictObject({
    device: didKey,
    key: didKey,
    readings: z.array(meterReadingWire).min(1).max(MAX_READINGS_PER_UPLOAD),
    signature: ed25519Signature,
  }),
  z.strictObject({
    stored: z.number().int(),
    duplicates: z.number().int(),
    /** Readings set aside, with why (they are stored as anomalies, never used for money). */
    refused: z.array(z.strictObject({ at: z.string(), code: meteringAnomalyCode })).max(MAX_READINGS_PER_UPLOAD),
    /** Intervals finalized because of this upload. */
    finalized: z.number().int(),
  }),
);
