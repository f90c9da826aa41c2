/**
 * The exact bytes a device signs. Two statements exist:
 *
 * - a reading batch, signed by the metering device itself:
 *
 *       "ampool/meter-reading/v1\n" ‖ canonicalJson({ device, key, readings: [{ at, importWh, exportWh, socWh? }] })
 *
 *   with `device` the device's did (stable across key rotations, as identity keeps it), `key`
 *   the did:key of the key that signs (the device's current key; equal to `device` until the
 *   first rotation), `at` the ISO 8601 UTC time with milliseconds
 *   (`2024-05-01T10:15:00.000Z`), and registers as decimal strings (they can exceed 2^53);
 *   readings in the order the device sent them;
 *
 * - a DSMR P1 telegram, signed by the P1 gateway that read it:
 *
 *       "ampool/dsmr-telegram/v1\n" ‖ canonicalJson({ gateway, key, receivedAt, timeZone }) ‖ "\n" ‖ telegram bytes
 *
 *   The telegram is signed as the raw bytes read from the port, so the signature and the
 *   meter's CRC cover the same bytes. Canonical JSON never contains a raw newline, so the
 *   first "\n" after the JSON unambiguously ends it. `timeZone` is signed because it decides
 *   what instant the telegram's local timestamp means; `receivedAt` (the gateway's clock)
 *   dates telegrams that carry no timestamp of their own (DSMR 2.2, 3.0).
 *
 * Signing the key id binds the statement to one key: verification checks that `key` is the
 * did:key of the public key it verifies with, so a statement is never attributed to another
 * key even if a caller looked up the wrong one; the service then checks, with identity, that
 * `key` is an active key of `device` (or `gateway`).
 *
 * The prefix names the statement and its version, so a signature over one kind of statement
 * can never be replayed as another (a reading batch as a trip proof, v1 as v2). Signatures are
 * Ed25519 under the system's one verification rule (`verifyEd25519`, strict RFC 8032).
 */
import { canonicalJson, didKeyFromPublicKey, verifyEd25519 } from '@ampool/crypto';
import { AnomalyCode, type Anomaly } from './anomalies';
import { isDsmrTimeZone, type DsmrTimeZone } from './dsmr/dsmr-time';
import { MAX_TELEGRAM_BYTES } from './dsmr/dsmr-frame';
import { MAX_READING_MS, readingProblem, type MeterReading } from './meter-reading';
import { MeteringError } from './metering-result';

/** Domain prefix of a reading batch, version 1. */
export const READING_BATCH_DOMAIN = 'ampool/meter-reading/v1\n';
/** Domain prefix of a gateway-signed DSMR telegram, version 1. */
export const TELEGRAM_DOMAIN = 'ampool/dsmr-telegram/v1\n';
/** Most readings in one signed batch (a day of readings every 10 s). */
export const MAX_BATCH_READINGS = 8_640;
/** Longest device or gateway identifier accepted in a signed statement. */
export const MAX_DID_LENGTH = 128;

/** A device's signed upload: who, with which key, and its readings. */
export interface ReadingBatch {
  /** The device's did (its identity, stable across key rotations). */
  readonly device: string;
  /** did:key of the signing key: the device's current key. */
  readonly key: string;
  readonly readings: readonly MeterReading[];
}

/** A raw telegram as a P1 gateway submits it. */
export interface TelegramSubmission {
  /** The gateway device's did (stable across key rotations). */
  readonly gateway: string;
  /** did:key of the signing key: the gateway's current key. */
  readonly key: string;
  /** When the gateway read the telegram, by its own clock, epoch ms. */
  readonly receivedAtMs: number;
  /** The meter's time zone, as configured on the gateway. */
  readonly timeZone: DsmrTimeZone;
  /** The telegram exactly as read from the P1 port. */
  readonly telegram: Uint8Array;
}

const utf8 = new TextEncoder();

/**
 * The bytes a device signs for `batch`. Throws `MeteringError('INVALID_BATCH')` when the batch
 * has no canonical form: no readings or more than {@link MAX_BATCH_READINGS}, a reading that
 * is not well formed (see `readingProblem`), or a device id that is empty or too long.
 */
export function readingBatchSigningBytes(batch: ReadingBatch): Uint8Array {
  const problem = batchProblem(batch);
  if (problem !== undefined) throw new MeteringError('INVALID_BATCH', problem);
  const readings = batch.readings.map((r) => {
    const entry: Record<string, string> = { at: new Date(r.atMs).toISOString(), importWh: r.importWh.toString(), exportWh: r.exportWh.toString() };
    if (r.socWh !== undefined) entry['socWh'] = r.socWh.toString();
    return entry;
  });
  return utf8.encode(READING_BATCH_DOMAIN + canonicalJson({ device: batch.device, key: batch.key, readings }));
}

/**
 * Whether `signature` is `publicKey`'s signature of `batch`, and `batch.key` is the did:key of
 * `publicKey`. Whether that key belongs to `batch.device` is identity's answer, not this
 * function's. Never throws: malformed batches, keys and signatures are simply `false`.
 */
export function verifyReadingBatch(publicKey: Uint8Array, batch: ReadingBatch, signature: Uint8Array): boolean {
  // After these checks the signing bytes exist (every field is well formed), so
  // readingBatchSigningBytes cannot throw.
  if (batchProblem(batch) !== undefined || !isDidOf(batch.key, publicKey)) return false;
  return verifyEd25519(publicKey, readingBatchSigningBytes(batch), signature);
}

/**
 * The bytes a P1 gateway signs for a telegram it read. Throws
 * `MeteringError('INVALID_TELEGRAM_SUBMISSION')` for an empty or oversized telegram, an
 * unsupported time zone, a receipt time outside years 1970–9999 or a bad gateway id.
 */
export function telegramSigningBytes(submission: TelegramSubmission): Uint8Array {
  const problem = submissionProblem(submission);
  if (problem !== undefined) throw new MeteringError('INVALID_TELEGRAM_SUBMISSION', problem);
  const header = utf8.encode(
    `${TELEGRAM_DOMAIN}${canonicalJson({
      gateway: submission.gateway,
      key: submission.key,
      receivedAt: new Date(submission.receivedAtMs).toISOString(),
      timeZone: submission.timeZone,
    })}\n`,
  );
  const bytes = new Uint8Array(header.length + submission.telegram.length);
  bytes.set(header, 0);
  bytes.set(submission.telegram, header.length);
  return bytes;
}

/**
 * Whether `signature` is `publicKey`'s signature of `submission` and `submission.key` is the
 * did:key of `publicKey`. Says nothing about the telegram's own CRC or syntax: parse it
 * with `parseDsmrTelegram(submission.telegram, { timeZone: submission.timeZone })`. Never throws.
 */
export function verifyTelegramSubmission(publicKey: Uint8Array, submission: TelegramSubmission, signature: Uint8Array): boolean {
  if (submissionProblem(submission) !== undefined || !isDidOf(submission.key, publicKey)) return false;
  return verifyEd25519(publicKey, telegramSigningBytes(submission), signature);
}

/**
 * The BAD_SIGNATURE anomaly for a batch that fails {@link verifyReadingBatch}, spanning the
 * batch's readings (or the instant `receivedAtMs` when it has none); `undefined` when it
 * verifies. Nothing in a batch with a bad signature may be used.
 */
export function readingBatchSignatureAnomaly(
  publicKey: Uint8Array,
  batch: ReadingBatch,
  signature: Uint8Array,
  receivedAtMs: number,
): Anomaly | undefined {
  if (verifyReadingBatch(publicKey, batch, signature)) return undefined;
  const times = Array.isArray(batch?.readings) ? batch.readings.map((r) => r?.atMs).filter((t): t is number => Number.isSafeInteger(t)) : [];
  const fromMs = times.length > 0 ? Math.min(...times) : receivedAtMs;
  const toMs = times.length > 0 ? Math.max(...times) : receivedAtMs;
  return { code: AnomalyCode.BAD_SIGNATURE, fromMs, toMs, message: 'reading batch signature does not verify with the device key' };
}

function batchProblem(batch: ReadingBatch): string | undefined {
  if (typeof batch !== 'object' || batch === null) return 'batch is not an object';
  if (!isId(batch.device)) return `device must be 1–${MAX_DID_LENGTH} printable ASCII characters`;
  if (!isId(batch.key)) return `key must be 1–${MAX_DID_LENGTH} printable ASCII characters`;
  if (!Array.isArray(batch.readings) || batch.readings.length === 0) return 'a batch has at least one reading';
  if (batch.readings.length > MAX_BATCH_READINGS) return `a batch has at most ${MAX_BATCH_READINGS} readings`;
  for (let i = 0; i < batch.readings.length; i++) {
    const problem = readingProblem(batch.readings[i] as MeterReading);
    if (problem !== undefined) return `reading ${i}: ${problem}`;
  }
  return undefined;
}

function submissionProblem(submission: TelegramSubmission): string | undefined {
  if (typeof submission !== 'object' || submission === null) return 'submission is not an object';
  if (!isId(submission.gateway)) return `gateway must be 1–${MAX_DID_LENGTH} printable ASCII characters`;
  if (!isId(submission.key)) return `key must be 1–${MAX_DID_LENGTH} printable ASCII characters`;
  if (!Number.isSafeInteger(submission.receivedAtMs) || submission.receivedAtMs < 0 || submission.receivedAtMs > MAX_READING_MS) {
    return 'receivedAtMs must be an integer epoch millisecond between 1970 and 9999';
  }
  if (!isDsmrTimeZone(submission.timeZone)) return `time zone ${String(submission.timeZone)} is not supported`;
  if (!(submission.telegram instanceof Uint8Array) || submission.telegram.length === 0 || submission.telegram.length > MAX_TELEGRAM_BYTES) {
    return `telegram must be 1–${MAX_TELEGRAM_BYTES} bytes`;
  }
  return undefined;
}

// DIDs are ASCII (non-ASCII is percent-encoded), which also keeps every id canonicalizable.
const ID = new RegExp(`^[\\x21-\\x7e]{1,${MAX_DID_LENGTH}}$`);

function isId(value: unknown): value is string {
  return typeof value === 'string' && ID.test(value);
}

function isDidOf(did: string, publicKey: Uint8Array): boolean {
  try {
    return didKeyFromPublicKey(publicKey) === did;
  } catch {
    return false;
  }
}
