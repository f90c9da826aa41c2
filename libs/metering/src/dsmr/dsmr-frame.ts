/**
 * Framing and CRC of a DSMR P1 telegram, before any line is interpreted:
 *
 *     /XXX5Identification CRLF
 *     CRLF
 *     data lines, each ending CRLF
 *     !CRC CRLF            (CRC: 0–4 hex digits; none in DSMR 2.2 and 3.0)
 *
 * The end line is the first line that starts with `!`. The CRC-16/ARC covers every byte from
 * `/` to `!` inclusive, exactly as received: line endings are part of what is checked, so a
 * telegram whose CRLFs were rewritten to LF is refused rather than repaired (the bytes a
 * gateway signs must be the bytes the meter sent).
 */
import { crc16Arc } from './crc16-arc';
import { DsmrErrorCode } from './dsmr-codes';

/** Largest input accepted, in bytes. Real telegrams are 0.2–2 KB; a DSMR 5 text message adds at most ~2 KB. */
export const MAX_TELEGRAM_BYTES = 16_384;

const SLASH = 0x2f;
const BANG = 0x21;
const CR = 0x0d;
const LF = 0x0a;

/** Whether the telegram carries a CRC and whether it matches. */
export type DsmrCrcStatus = 'valid' | 'mismatch' | 'absent';

/** Where a telegram's parts are and what its CRC says. */
export interface DsmrFrame {
  /** Index of the `!` that starts the end line. */
  readonly bangIndex: number;
  /** Index just after the end line's CRLF: the telegram is `bytes[0, end)`. */
  readonly end: number;
  readonly crcStatus: DsmrCrcStatus;
  /** The CRC field's value, when there is one (1–4 hex digits, compared as a number). */
  readonly crcGiven?: number;
  /** The CRC-16/ARC of `bytes[0, bangIndex]`. */
  readonly crcComputed: number;
  /** Bytes after the end line. Not an error at this stage; the parser refuses them. */
  readonly trailingBytes: number;
}

/** A framing failure, with the 1-based line it was found on when that helps. */
export interface DsmrFrameFailure {
  readonly ok: false;
  readonly code: DsmrErrorCode;
  readonly message: string;
  readonly line?: number;
}

/**
 * Finds the end line, checks line endings and reads the CRC field. Fails with
 * `DSMR_TOO_LARGE`, `DSMR_TRUNCATED` (also for empty input and every proper prefix of a
 * telegram), `DSMR_BAD_HEADER` (first byte not `/`), `DSMR_BAD_LINE_ENDING` or
 * `DSMR_BAD_CRC_FIELD`. A CRC mismatch and trailing bytes are reported in the frame.
 */
export function readDsmrFrame(bytes: Uint8Array): { readonly ok: true; readonly value: DsmrFrame } | DsmrFrameFailure {
  if (bytes.length > MAX_TELEGRAM_BYTES) {
    return frameFailure(DsmrErrorCode.TOO_LARGE, `telegram is ${bytes.length} bytes; at most ${MAX_TELEGRAM_BYTES} are accepted`);
  }
  if (bytes.length === 0) return frameFailure(DsmrErrorCode.TRUNCATED, 'telegram is empty');
  if (bytes[0] !== SLASH) return frameFailure(DsmrErrorCode.BAD_HEADER, 'telegram does not start with "/"', 1);

  let bangIndex = -1;
  for (let i = 1; i < bytes.length; i++) {
    if (bytes[i] === BANG && bytes[i - 1] === LF) {
      bangIndex = i;
      break;
    }
  }
  if (bangIndex < 0) return frameFailure(DsmrErrorCode.TRUNCATED, 'no end line ("!") found');
  const lf = bytes.indexOf(LF, bangIndex);
  if (lf < 0) return frameFailure(DsmrErrorCode.TRUNCATED, 'the end line ("!" and CRC) is not terminated by CRLF');
  const end = lf + 1;

  let line = 1;
  for (let i = 0; i < end; i++) {
    const byte = bytes[i];
    if (byte === LF) {
      if (i === 0 || bytes[i - 1] !== CR) return frameFailure(DsmrErrorCode.BAD_LINE_ENDING, 'line ends in LF without CR', line);
      line++;
    } else if (byte === CR && bytes[i + 1] !== LF) {
      return frameFailure(DsmrErrorCode.BAD_LINE_ENDING, 'CR not followed by LF', line);
    }
  }

  let crcGiven: number | undefined;
  const digits = end - 2 - (bangIndex + 1);
  if (digits > 4) return frameFailure(DsmrErrorCode.BAD_CRC_FIELD, 'CRC field longer than 4 hexadecimal digits', line - 1);
  if (digits > 0) {
    crcGiven = 0;
    for (let i = bangIndex + 1; i < end - 2; i++) {
      const digit = hexDigit(bytes[i] as number);
      if (digit < 0) return frameFailure(DsmrErrorCode.BAD_CRC_FIELD, 'CRC field is not hexadecimal', line - 1);
      crcGiven = crcGiven * 16 + digit;
    }
  }
  const crcComputed = crc16Arc(bytes, 0, bangIndex + 1);
  const crcStatus: DsmrCrcStatus = crcGiven === undefined ? 'absent' : crcGiven === crcComputed ? 'valid' : 'mismatch';
  const frame: DsmrFrame = { bangIndex, end, crcStatus, crcComputed, trailingBytes: bytes.length - end };
  return { ok: true, value: crcGiven === undefined ? frame : { ...frame, crcGiven } };
}

function hexDigit(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  if (byte >= 0x41 && byte <= 0x46) return byte - 0x41 + 10;
  if (byte >= 0x61 && byte <= 0x66) return byte - 0x61 + 10;
  return -1;
}

function frameFailure(code: DsmrErrorCode, message: string, line?: number): DsmrFrameFailure {
  return line === undefined ? { ok: false, code, message } : { ok: false, code, message, line };
}
