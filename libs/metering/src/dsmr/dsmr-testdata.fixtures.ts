/**
 * Test and benchmark helpers for DSMR: the shared real telegrams (`../shared/testdata/dsmr`,
 * from ndokter/dsmr_parser, MIT) with the verdict `CRC.tsv` gives each, and a CRC reference
 * written differently from the library's (bit by bit, no table) so that the tests do not
 * check the implementation against itself.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { testdataPath } from '@ampool/testdata';

/** Number of telegram files the shared folder holds (its README says 13). */
export const SHARED_TELEGRAM_COUNT = 13;

/** One shared telegram and what CRC.tsv says about it. */
export interface SharedTelegram {
  readonly name: string;
  readonly bytes: Uint8Array;
  /** The `crc` column: `valid`, `none`, or `none (bytes follow the "!" line)`. */
  readonly crcVerdict: string;
}

/** Every `*.txt` telegram in the shared folder, sorted by name, with its CRC.tsv row. */
export function sharedTelegrams(): SharedTelegram[] {
  const verdicts = new Map<string, string>();
  const rows = readFileSync(testdataPath('dsmr/CRC.tsv'), 'utf8').split('\n').slice(1);
  for (const row of rows) {
    if (row.trim() === '') continue;
    const [file, verdict] = row.split('\t');
    if (file === undefined || verdict === undefined) throw new Error(`malformed CRC.tsv row: ${row}`);
    verdicts.set(file, verdict.trim());
  }
  const files = readdirSync(testdataPath('dsmr')).filter((f) => f.endsWith('.txt')).sort();
  return files.map((name) => {
    const crcVerdict = verdicts.get(name);
    if (crcVerdict === undefined) throw new Error(`${name} has no row in CRC.tsv`);
    return { name, bytes: new Uint8Array(readFileSync(testdataPath(`dsmr/${name}`))), crcVerdict };
  });
}

/** CRC-16/ARC bit by bit, straight from the definition (reflected poly 0xA001, init 0). */
export function referenceCrc16Arc(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = (crc & 1) === 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
  }
  return crc;
}

/** ASCII bytes of `text` (tests build telegrams as strings; every character must be < 0x80). */
export function ascii(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0x7f) throw new Error('ascii() got a non-ASCII character');
    bytes[i] = code;
  }
  return bytes;
}

/** Text of bytes, one character per byte. */
export function latin1Text(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => String.fromCharCode(b)).join('');
}

/**
 * A complete telegram from its lines (header first, without the empty line, CRLF added),
 * ending with `!` and the reference CRC in four upper-case hex digits (or no CRC).
 */
export function buildTelegram(header: string, lines: readonly string[], crc: 'crc' | 'none' = 'crc'): Uint8Array {
  const body = `${header}\r\n\r\n${lines.map((l) => `${l}\r\n`).join('')}!`;
  const bytes = ascii(body);
  const field = crc === 'crc' ? referenceCrc16Arc(bytes).toString(16).toUpperCase().padStart(4, '0') : '';
  return ascii(`${body}${field}\r\n`);
}

/** Re-seals a telegram whose bytes before `!` were edited: replaces its CRC field with the right one. */
export function resealed(textUpToBang: string): Uint8Array {
  const bytes = ascii(textUpToBang);
  return ascii(`${textUpToBang}${referenceCrc16Arc(bytes).toString(16).toUpperCase().padStart(4, '0')}\r\n`);
}
