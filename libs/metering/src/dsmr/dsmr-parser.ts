/**
 * DSMR P1 telegram parser (DSMR 2.2 to 5.0, and the Belgian, Luxembourgish, Swiss, Hungarian
 * and Irish variants that share its syntax). Pure: bytes in, a value or a coded failure out.
 *
 * Checks run in this order, and the first that fails is reported (README.md, "DSMR"):
 * framing (size, end line, line endings, CRC field) → CRC → trailing bytes → header →
 * OBIS syntax of every line → duplicates → the registers this parser interprets.
 *
 * Every line is kept (as its OBIS reference and raw values) so that nothing the meter said is
 * lost; only the registers metering needs are interpreted: energy per tariff, current power,
 * the timestamp, the equipment id and the DSMR version. Tariff numbers are kept as the meter
 * gives them: tariff 1 is the low rate in the Netherlands and the day rate in Belgium, so no
 * meaning (or price) is attached to them here.
 */
import { DsmrErrorCode } from './dsmr-codes';
import { decimalToScaledInteger } from './dsmr-decimal';
import { readDsmrFrame, type DsmrFrameFailure } from './dsmr-frame';
import { DEFAULT_DSMR_TIME_ZONE, dsmrTimestampToUtc, isDsmrTimeZone, type DsmrTimeZone, type DsmrTimestamp } from './dsmr-time';

/** The identification line `/XXXZ…`. */
export interface DsmrHeader {
  /** Three-letter manufacturer flag (`ISk`, `KFM`, `FLU`…); a lower-case third letter is IEC 62056-21's "short reaction time". */
  readonly manufacturer: string;
  /** The baud-rate identification character (`5` for DSMR 4/5 at 115200 baud). */
  readonly baudRateId: string;
  /** The rest of the line, as sent (may contain control characters, e.g. `\x02`). */
  readonly identification: string;
}

/** One data object: an OBIS reference and its parenthesised values, continuation lines included. */
export interface DsmrObject {
  /** `A-B:C.D.E`, with `*F` only when F is present and not 255 (255 means "not used"). */
  readonly obis: string;
  readonly values: readonly string[];
  /** 1-based line number where the object starts. */
  readonly line: number;
}

/** A cumulative energy register `1-0:1.8.T` (import) or `1-0:2.8.T` (export). */
export interface DsmrEnergyRegister {
  /** Tariff number as given (0 = the total over all tariffs, when the meter sends it). */
  readonly tariff: number;
  readonly energyWh: bigint;
}

/** The equipment identifier `0-0:96.1.1`. */
export interface DsmrEquipmentId {
  /** As sent: hexadecimal-encoded ASCII in DSMR 4 and 5, free text in older versions. */
  readonly raw: string;
  /** The ASCII text when `raw` is hexadecimal and every byte is printable ASCII. */
  readonly decoded?: string;
}

/** A parsed, CRC-checked telegram. */
export interface DsmrTelegram {
  readonly header: DsmrHeader;
  /** `valid`: the CRC matched. `absent`: the telegram has none (DSMR 2.2, 3.0). */
  readonly crcStatus: 'valid' | 'absent';
  /** The CRC value, when present. */
  readonly crc?: number;
  /** `1-3:0.2.8` as sent (`42`, `50`), when present. */
  readonly version?: string;
  /** `0-0:1.0.0` converted to UTC, when present (DSMR 4 and later). */
  readonly timestamp?: DsmrTimestamp;
  readonly equipmentId?: DsmrEquipmentId;
  /** Import energy registers by tariff, in ascending tariff order. */
  readonly importRegisters: readonly DsmrEnergyRegister[];
  /** Export energy registers by tariff, in ascending tariff order. */
  readonly exportRegisters: readonly DsmrEnergyRegister[];
  /** `1-0:1.7.0`: power drawn from the grid now, in W. */
  readonly powerImportW?: bigint;
  /** `1-0:2.7.0`: power fed into the grid now, in W. */
  readonly powerExportW?: bigint;
  /** Every data object in the order sent. */
  readonly objects: readonly DsmrObject[];
  /** Length of the telegram in bytes, end line included. */
  readonly byteLength: number;
}

/** Options of {@link parseDsmrTelegram}. */
export interface DsmrParseOptions {
  /** The meter's country time zone; decides the standard offset of its timestamps. Default Europe/Amsterdam. */
  readonly timeZone?: DsmrTimeZone;
}

/** A parse failure: a code from {@link DsmrErrorCode}, a message, and the 1-based line when known. */
export type DsmrParseFailure = DsmrFrameFailure;

/** Outcome of {@link parseDsmrTelegram}. */
export type DsmrParseResult = { readonly ok: true; readonly value: DsmrTelegram } | DsmrParseFailure;

// Manufacturer flag, baud-rate id, then any ASCII except NUL, CR and LF: one Irish meter
// sends a literal STX (0x02) in its identification, and its CRC covers it.
const HEADER = /^\/([A-Za-z]{3})([\x21-\x7e])([\x01-\x09\x0b\x0c\x0e-\x7e]{0,128})$/;
const OBIS_LINE = /^(\d{1,3})-(\d{1,3}):(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\*(\d{1,3}))?((?:\([\x20-\x27\x2a-\x7e]*\))+)$/;
const VALUE_GROUPS = /^(?:\([\x20-\x27\x2a-\x7e]*\))+$/;
const ENERGY_REGISTER = /^1-0:([12])\.8\.(\d{1,3})$/;
const QUANTITY = /^([^*]*)\*(.+)$/;
const HEX_ASCII = /^(?:[0-9A-Fa-f]{2})+$/;

const OBIS_TIMESTAMP = '0-0:1.0.0';
const OBIS_EQUIPMENT_ID = '0-0:96.1.1';
const OBIS_VERSION = '1-3:0.2.8';
const OBIS_POWER_IMPORT = '1-0:1.7.0';
const OBIS_POWER_EXPORT = '1-0:2.7.0';

/** Unit → power of ten that turns a value in that unit into Wh (energy) or W (power). */
const ENERGY_UNITS: Readonly<Record<string, number>> = { kWh: 3, Wh: 0 };
const POWER_UNITS: Readonly<Record<string, number>> = { kW: 3, W: 0 };

const utf8 = new TextEncoder();
const latin1Decoder = new TextDecoder('latin1');

/**
 * Parses and checks one DSMR P1 telegram. `input` is the raw bytes as read from the P1 port
 * (a string is taken as its UTF-8 encoding, which for a telegram is its ASCII). The telegram
 * must be exactly one telegram with CRLF line endings; a CRC, when present, must match.
 * Never throws.
 */
export function parseDsmrTelegram(input: Uint8Array | string, options: DsmrParseOptions = {}): DsmrParseResult {
  const timeZone = options.timeZone ?? DEFAULT_DSMR_TIME_ZONE;
  if (!isDsmrTimeZone(timeZone)) return failure(DsmrErrorCode.UNSUPPORTED_TIME_ZONE, `time zone ${String(timeZone)} is not supported`);
  const bytes = typeof input === 'string' ? utf8.encode(input) : input;

  const framed = readDsmrFrame(bytes);
  if (!framed.ok) return framed;
  const frame = framed.value;
  if (frame.crcStatus === 'mismatch') {
    return failure(
      DsmrErrorCode.CRC_MISMATCH,
      `CRC field is ${hex4(frame.crcGiven ?? 0)}, the telegram's CRC-16/ARC is ${hex4(frame.crcComputed)}`,
    );
  }
  if (frame.trailingBytes > 0) {
    return failure(DsmrErrorCode.TRAILING_DATA, `${frame.trailingBytes} bytes follow the end line`);
  }

  // Everything before "!" ends with CRLF (the frame checked it), so the last split piece is
  // empty; the first two are the identification line and the mandatory empty line.
  const lines = latin1(bytes, 0, frame.bangIndex).split('\r\n');
  lines.pop();
  const headerMatch = HEADER.exec(lines[0] ?? '');
  if (headerMatch === null) return failure(DsmrErrorCode.BAD_HEADER, 'identification line is not "/XXXZ…"', 1);
  if (lines.length < 2 || lines[1] !== '') return failure(DsmrErrorCode.BAD_HEADER, 'the identification line must be followed by an empty line', 2);
  const header: DsmrHeader = {
    manufacturer: headerMatch[1] as string,
    baudRateId: headerMatch[2] as string,
    identification: headerMatch[3] as string,
  };

  const objects: { obis: string; values: string[]; line: number }[] = [];
  const seen = new Map<string, number>();
  for (let i = 2; i < lines.length; i++) {
    const text = lines[i] as string;
    const lineNumber = i + 1;
    if (text.startsWith('(')) {
      // DSMR 2.2/3.0 put the gas reading on the line after its OBIS reference.
      const previous = objects[objects.length - 1];
      if (previous === undefined || !VALUE_GROUPS.test(text)) return failure(DsmrErrorCode.BAD_OBIS, 'malformed continuation line', lineNumber);
      previous.values.push(...splitValues(text));
      continue;
    }
    const m = OBIS_LINE.exec(text);
    if (m === null) return failure(DsmrErrorCode.BAD_OBIS, 'not an OBIS data line "A-B:C.D.E(value)"', lineNumber);
    const a = Number(m[1]);
    const b = Number(m[2]);
    const c = Number(m[3]);
    const d = Number(m[4]);
    const e = Number(m[5]);
    const f = m[6] === undefined ? 255 : Number(m[6]);
    if (a > 255 || b > 255 || c > 255 || d > 255 || e > 255 || f > 255) {
      return failure(DsmrErrorCode.BAD_OBIS, 'an OBIS value group is above 255', lineNumber);
    }
    const obis = f === 255 ? `${a}-${b}:${c}.${d}.${e}` : `${a}-${b}:${c}.${d}.${e}*${f}`;
    const earlier = seen.get(obis);
    if (earlier !== undefined) return failure(DsmrErrorCode.DUPLICATE_OBIS, `${obis} already appeared on line ${earlier}`, lineNumber);
    seen.set(obis, lineNumber);
    objects.push({ obis, values: splitValues(m[7] as string), line: lineNumber });
  }

  const telegram: {
    -readonly [K in keyof DsmrTelegram]: DsmrTelegram[K];
  } = {
    header,
    crcStatus: frame.crcStatus,
    importRegisters: [],
    exportRegisters: [],
    objects,
    byteLength: frame.end,
  };
  if (frame.crcGiven !== undefined) telegram.crc = frame.crcGiven;
  const importRegisters: DsmrEnergyRegister[] = [];
  const exportRegisters: DsmrEnergyRegister[] = [];

  for (const object of objects) {
    const energy = ENERGY_REGISTER.exec(object.obis);
    if (energy !== null) {
      const value = quantity(object, ENERGY_UNITS);
      if (!value.ok) return value;
      (energy[1] === '1' ? importRegisters : exportRegisters).push({ tariff: Number(energy[2]), energyWh: value.value });
      continue;
    }
    switch (object.obis) {
      case OBIS_POWER_IMPORT:
      case OBIS_POWER_EXPORT: {
        const value = quantity(object, POWER_UNITS);
        if (!value.ok) return value;
        if (object.obis === OBIS_POWER_IMPORT) telegram.powerImportW = value.value;
        else telegram.powerExportW = value.value;
        break;
      }
      case OBIS_TIMESTAMP: {
        const raw = single(object);
        const timestamp = raw === undefined ? undefined : dsmrTimestampToUtc(raw, timeZone);
        if (timestamp === undefined) return failure(DsmrErrorCode.BAD_TIMESTAMP, 'timestamp is not a valid YYMMDDhhmmss followed by S or W', object.line);
        telegram.timestamp = timestamp;
        break;
      }
      case OBIS_EQUIPMENT_ID: {
        const raw = single(object);
        if (raw === undefined) return failure(DsmrErrorCode.BAD_VALUE, `${object.obis} must have exactly one value`, object.line);
        const decoded = decodeHexAscii(raw);
        telegram.equipmentId = decoded === undefined ? { raw } : { raw, decoded };
        break;
      }
      case OBIS_VERSION: {
        const raw = single(object);
        if (raw === undefined) return failure(DsmrErrorCode.BAD_VALUE, `${object.obis} must have exactly one value`, object.line);
        telegram.version = raw;
        break;
      }
    }
  }
  telegram.importRegisters = importRegisters.sort((x, y) => x.tariff - y.tariff);
  telegram.exportRegisters = exportRegisters.sort((x, y) => x.tariff - y.tariff);
  return { ok: true, value: telegram };
}

/** `value*unit` of a one-value object, scaled to Wh or W. */
function quantity(object: DsmrObject, units: Readonly<Record<string, number>>): { ok: true; value: bigint } | DsmrParseFailure {
  const raw = single(object);
  const m = raw === undefined ? null : QUANTITY.exec(raw);
  if (m === null) return failure(DsmrErrorCode.BAD_VALUE, `${object.obis} must be one "number*unit" value`, object.line);
  const unit = m[2] as string;
  const scale = Object.prototype.hasOwnProperty.call(units, unit) ? units[unit] : undefined;
  if (scale === undefined) return failure(DsmrErrorCode.BAD_VALUE, `${object.obis} has unit "${unit}"; expected ${Object.keys(units).join(' or ')}`, object.line);
  const scaled = decimalToScaledInteger(m[1] as string, scale);
  if (scaled.kind === 'malformed') return failure(DsmrErrorCode.BAD_VALUE, `${object.obis} value "${m[1]}" is not an unsigned decimal number`, object.line);
  if (scaled.kind === 'unrepresentable') {
    return failure(DsmrErrorCode.UNREPRESENTABLE_VALUE, `${object.obis} value ${raw} is not a whole number of ${scale === 3 ? unit.slice(1) : unit}`, object.line);
  }
  return { ok: true, value: scaled.value };
}

function single(object: DsmrObject): string | undefined {
  return object.values.length === 1 ? object.values[0] : undefined;
}

function splitValues(groups: string): string[] {
  // groups is "(v1)(v2)…" with no parentheses inside values (the patterns guarantee it).
  return groups.slice(1, -1).split(')(');
}

function decodeHexAscii(raw: string): string | undefined {
  if (!HEX_ASCII.test(raw)) return undefined;
  let text = '';
  for (let i = 0; i < raw.length; i += 2) {
    const code = parseInt(raw.slice(i, i + 2), 16);
    if (code < 0x20 || code > 0x7e) return undefined;
    text += String.fromCharCode(code);
  }
  return text;
}

function latin1(bytes: Uint8Array, start: number, end: number): string {
  // WHATWG maps "latin1" to windows-1252, which differs from ISO 8859-1 only in 0x80–0x9F;
  // every pattern above refuses all bytes from 0x80 up either way, so the difference cannot
  // change a verdict. It is about 80× faster than String.fromCharCode over the bytes.
  return latin1Decoder.decode(bytes.subarray(start, end));
}

function hex4(value: number): string {
  return value.toString(16).toUpperCase().padStart(4, '0');
}

function failure(code: DsmrErrorCode, message: string, line?: number): DsmrParseFailure {
  return line === undefined ? { ok: false, code, message } : { ok: false, code, message, line };
}
