import { didKeyFromPublicKey, generateKeyPair, signEd25519, type Ed25519KeyPair } from '@ampool/crypto';
import type { MeterReading } from './meter-reading';
import { MeteringError } from './metering-result';
import {
  MAX_BATCH_READINGS,
  readingBatchSignatureAnomaly,
  readingBatchSigningBytes,
  telegramSigningBytes,
  verifyReadingBatch,
  verifyTelegramSubmission,
  type ReadingBatch,
  type TelegramSubmission,
} from './signed-reading';

const device: Ed25519KeyPair = generateKeyPair();
const other: Ed25519KeyPair = generateKeyPair();
const did = didKeyFromPublicKey(device.publicKey);
const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

const BATCH: ReadingBatch = {
  device: did,
  key: did,
  readings: [
    { atMs: Date.parse('2024-05-01T10:15:00Z'), importWh: 123n, exportWh: 0n },
    { atMs: Date.parse('2024-05-01T10:15:10.250Z'), importWh: 9_007_199_254_740_993n, exportWh: 7n, socWh: 4_200n },
  ],
};
const sign = (batch: ReadingBatch, key = device): Uint8Array => signEd25519(key.secretKey, readingBatchSigningBytes(batch));

describe('readingBatchSigningBytes', () => {
  it('is the domain prefix and the canonical JSON of the batch, registers as decimal strings', () => {
    expect(text(readingBatchSigningBytes(BATCH))).toBe(
      'ampool/meter-reading/v1\n' +
        `{"device":"${did}","key":"${did}","readings":[` +
        '{"at":"2024-05-01T10:15:00.000Z","exportWh":"0","importWh":"123"},' +
        '{"at":"2024-05-01T10:15:10.250Z","exportWh":"7","importWh":"9007199254740993","socWh":"4200"}]}',
    );
  });

  it('refuses to produce bytes for a batch without a canonical form', () => {
    const bad: unknown[] = [
      { ...BATCH, readings: [] },
      { ...BATCH, device: '' },
      { ...BATCH, key: undefined },
      { ...BATCH, device: 'did:key:z\u00e9' },
      { ...BATCH, readings: [{ atMs: -1, importWh: 0n, exportWh: 0n }] },
      { ...BATCH, readings: [{ atMs: 0, importWh: 0, exportWh: 0n }] },
      { ...BATCH, readings: [{ atMs: 0, importWh: 0n, exportWh: 0n, socWh: -1n }] },
      { ...BATCH, readings: Array.from({ length: MAX_BATCH_READINGS + 1 }, (_, k) => ({ atMs: k, importWh: 0n, exportWh: 0n })) },
    ];
    for (const batch of bad) {
      expect(() => readingBatchSigningBytes(batch as ReadingBatch)).toThrow(MeteringError);
    }
  });
});

describe('verifyReadingBatch', () => {
  const signature = sign(BATCH);

  it('accepts the batch its device signed', () => {
    expect(verifyReadingBatch(device.publicKey, BATCH, signature)).toBe(true);
  });

  it('refuses the batch with any field of any reading changed, added or removed', () => {
    const [a, b] = BATCH.readings as [MeterReading, MeterReading];
    const variants: ReadingBatch[] = [
      { ...BATCH, readings: [{ ...a, atMs: a.atMs + 1 }, b] },
      { ...BATCH, readings: [{ ...a, importWh: a.importWh + 1n }, b] },
      { ...BATCH, readings: [{ ...a, exportWh: 1n }, b] },
      { ...BATCH, readings: [{ ...a, socWh: 0n }, b] },
      { ...BATCH, readings: [a, { atMs: b.atMs, importWh: b.importWh, exportWh: b.exportWh }] },
      { ...BATCH, readings: [a, { ...b, socWh: 4_201n }] },
      { ...BATCH, readings: [b, a] },
      { ...BATCH, readings: [a] },
      { ...BATCH, readings: [a, b, b] },
    ];
    for (const variant of variants) expect(verifyReadingBatch(device.publicKey, variant, signature)).toBe(false);
  });

  it('refuses the batch verified with another key, or with its device or key id changed', () => {
    const otherDid = didKeyFromPublicKey(other.publicKey);
    expect(verifyReadingBatch(other.publicKey, BATCH, signature)).toBe(false);
    expect(verifyReadingBatch(device.publicKey, { ...BATCH, device: otherDid }, signature)).toBe(false);
    // Signed by one key but naming another as its key: refused whichever key verifies it.
    const misnamed = { ...BATCH, key: otherDid };
    expect(verifyReadingBatch(device.publicKey, misnamed, sign(misnamed, device))).toBe(false);
    expect(verifyReadingBatch(other.publicKey, misnamed, sign(misnamed, device))).toBe(false);
  });

  it('verifies a batch of a device whose key was rotated: the device id stays, the key id is the new key', () => {
    const rotated: ReadingBatch = { ...BATCH, device: did, key: didKeyFromPublicKey(other.publicKey) };
    const rotatedSignature = sign(rotated, other);
    expect(verifyReadingBatch(other.publicKey, rotated, rotatedSignature)).toBe(true);
    expect(verifyReadingBatch(device.publicKey, rotated, rotatedSignature)).toBe(false);
  });

  it('refuses a damaged signature and malformed input without throwing', () => {
    const damaged = new Uint8Array(signature);
    damaged[10] = (damaged[10] as number) ^ 1;
    expect(verifyReadingBatch(device.publicKey, BATCH, damaged)).toBe(false);
    expect(verifyReadingBatch(device.publicKey, BATCH, signature.subarray(0, 63))).toBe(false);
    expect(verifyReadingBatch(new Uint8Array(31), BATCH, signature)).toBe(false);
    expect(verifyReadingBatch(device.publicKey, { ...BATCH, readings: [] }, signature)).toBe(false);
    expect(verifyReadingBatch(device.publicKey, null as unknown as ReadingBatch, signature)).toBe(false);
  });

  it('is a BAD_SIGNATURE anomaly over the batch span when it fails, and none when it verifies', () => {
    expect(readingBatchSignatureAnomaly(device.publicKey, BATCH, signature, 5)).toBeUndefined();
    expect(readingBatchSignatureAnomaly(other.publicKey, BATCH, signature, 5)).toMatchObject({
      code: 'BAD_SIGNATURE',
      fromMs: BATCH.readings[0]?.atMs,
      toMs: BATCH.readings[1]?.atMs,
    });
    expect(readingBatchSignatureAnomaly(device.publicKey, { device: did, key: did, readings: [] }, signature, 5)).toMatchObject({ code: 'BAD_SIGNATURE', fromMs: 5, toMs: 5 });
  });
});

describe('telegram submissions', () => {
  const telegram = new TextEncoder().encode('/ISk5\\2MT382-1000\r\n\r\n1-0:1.8.1(000001.000*kWh)\r\n!\r\n');
  const submission: TelegramSubmission = { gateway: did, key: did, receivedAtMs: Date.parse('2024-05-01T10:15:03Z'), timeZone: 'Europe/Amsterdam', telegram };
  const signature = signEd25519(device.secretKey, telegramSigningBytes(submission));

  it('signs the domain prefix, the canonical header, a newline and the raw telegram bytes', () => {
    const bytes = telegramSigningBytes(submission);
    const header = `ampool/dsmr-telegram/v1\n{"gateway":"${did}","key":"${did}","receivedAt":"2024-05-01T10:15:03.000Z","timeZone":"Europe/Amsterdam"}\n`;
    expect(text(bytes.subarray(0, header.length))).toBe(header);
    expect(bytes.subarray(header.length)).toEqual(telegram);
  });

  it('accepts the gateway signature and refuses any change to telegram, time zone, time or gateway', () => {
    expect(verifyTelegramSubmission(device.publicKey, submission, signature)).toBe(true);
    for (let i = 0; i < telegram.length; i++) {
      const changed = new Uint8Array(telegram);
      changed[i] = (changed[i] as number) ^ 0x04;
      expect([i, verifyTelegramSubmission(device.publicKey, { ...submission, telegram: changed }, signature)]).toEqual([i, false]);
    }
    expect(verifyTelegramSubmission(device.publicKey, { ...submission, timeZone: 'Europe/Dublin' }, signature)).toBe(false);
    expect(verifyTelegramSubmission(device.publicKey, { ...submission, receivedAtMs: submission.receivedAtMs + 1 }, signature)).toBe(false);
    expect(verifyTelegramSubmission(device.publicKey, { ...submission, telegram: new Uint8Array([...telegram, 0x0a]) }, signature)).toBe(false);
    expect(verifyTelegramSubmission(device.publicKey, { ...submission, gateway: didKeyFromPublicKey(other.publicKey) }, signature)).toBe(false);
    expect(verifyTelegramSubmission(other.publicKey, { ...submission, key: didKeyFromPublicKey(other.publicKey) }, signature)).toBe(false);
    expect(verifyTelegramSubmission(other.publicKey, submission, signature)).toBe(false);
  });

  it('refuses to produce bytes for an empty telegram or an unsupported time zone', () => {
    expect(() => telegramSigningBytes({ ...submission, telegram: new Uint8Array() })).toThrow(MeteringError);
    expect(() => telegramSigningBytes({ ...submission, timeZone: 'Europe/London' as never })).toThrow(MeteringError);
    expect(verifyTelegramSubmission(device.publicKey, { ...submission, timeZone: 'Europe/London' as never }, signature)).toBe(false);
  });

  it('never accepts a reading-batch signature as a telegram signature or the reverse', () => {
    const batchSignature = sign(BATCH);
    expect(verifyTelegramSubmission(device.publicKey, submission, batchSignature)).toBe(false);
    expect(verifyReadingBatch(device.publicKey, BATCH, signature)).toBe(false);
  });
});
