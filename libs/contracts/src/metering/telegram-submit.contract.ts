import { z } from 'zod';
import { defineRpc } from '../contract';
import { ed25519Signature } from '../identity/participant-register.contract';
import { didKey, instant, nonNegativeInt64 } from '../wire/codecs';

/** Time zones a P1 gateway may declare (the meter's local time, with the S/W flag). */
export const dsmrTimeZone = z.enum(['Europe/Amsterdam', 'Europe/Brussels', 'Europe/Luxembourg', 'Europe/Zurich', 'Europe/Budapest', 'Europe/Dublin']);

/**
 * A P1 gateway submits one raw DSMR telegram (CRLF line endings as on the wire), signed with
 * its key over the engine's `telegramSigningBytes` (which covers the raw bytes, the time zone
 * and the receipt time).
 */
export const TelegramSubmit = defineRpc(
  'rpc.metering.telegram.submit',
  z.strictObject({
    gateway: didKey,
    key: didKey,
    receivedAt: instant,
    timeZone: dsmrTimeZone,
    telegram: z.string().min(1).max(16_384),
    signature: ed25519Signature,
  }),
  z.strictObject({
    reading: z.strictObject({ at: instant, importWh: nonNegativeInt64, exportWh: nonNegativeInt64 }),
    crc: z.enum(['valid', 'absent']),
    duplicate: z.boolean(),
    finalized: z.number().int(),
  }),
);
