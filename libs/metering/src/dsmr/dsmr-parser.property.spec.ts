import fc from 'fast-check';
import { crc16Arc } from './crc16-arc';
import { parseDsmrTelegram } from './dsmr-parser';
import { latin1Text, referenceCrc16Arc, sharedTelegrams } from './dsmr-testdata.fixtures';

const telegrams = sharedTelegrams().filter((t) => t.crcVerdict === 'valid');

function registersOf(bytes: Uint8Array): string | undefined {
  const result = parseDsmrTelegram(bytes);
  if (!result.ok) return undefined;
  const { importRegisters, exportRegisters, powerImportW, powerExportW, timestamp } = result.value;
  return JSON.stringify({ importRegisters, exportRegisters, powerImportW, powerExportW, timestamp }, (_k, v: unknown) =>
    typeof v === 'bigint' ? v.toString() : v,
  );
}

/** Whether the (possibly mutated) telegram's CRC field still equals the CRC of its body. */
function crcStillMatches(bytes: Uint8Array): boolean {
  const text = latin1Text(bytes);
  const bang = text.indexOf('\n!') + 1;
  if (bang === 0) return false;
  const field = /^!([0-9A-Fa-f]{1,4})\r\n/.exec(text.slice(bang));
  return field !== null && parseInt(field[1] as string, 16) === referenceCrc16Arc(bytes.subarray(0, bang + 1));
}

/** Whether `mutated` differs from `original` only in the letter case of a CRC hex digit. */
function onlyCrcCaseChanged(original: Uint8Array, mutated: Uint8Array, index: number): boolean {
  const bang = latin1Text(original).indexOf('\n!') + 1;
  const a = String.fromCharCode(original[index] as number);
  const b = String.fromCharCode(mutated[index] as number);
  return index > bang && index <= bang + 4 && /[a-fA-F]/.test(a) && a !== b && a.toLowerCase() === b.toLowerCase();
}

function mutate(bytes: Uint8Array, index: number, value: number): Uint8Array {
  const copy = new Uint8Array(bytes);
  copy[index] = value;
  return copy;
}

function checkMutation(original: Uint8Array, index: number, value: number): void {
  const mutated = mutate(original, index, value);
  const registers = registersOf(mutated);
  if (registers === undefined) return;
  // The brief's property: a successful parse with unchanged registers only if the CRC matches.
  if (registers === registersOf(original) && !crcStillMatches(mutated)) {
    throw new Error(`byte ${index} → 0x${value.toString(16)} parsed with the same registers but a wrong CRC`);
  }
  // And the stronger fact behind it: CRC-16 catches every single-byte error, so the only
  // single-byte change that still parses is writing a CRC hex digit in the other case.
  if (!onlyCrcCaseChanged(original, mutated, index)) {
    throw new Error(`byte ${index} → 0x${value.toString(16)} still parses`);
  }
}

describe('DSMR parser properties', () => {
  it('mutates all nine shared telegrams that carry a CRC', () => {
    expect(telegrams).toHaveLength(9);
  });

  it('never parses a telegram with any single random byte changed unless the CRC still matches', () => {
    fc.assert(
      fc.property(fc.nat(), fc.nat(), fc.integer({ min: 1, max: 255 }), (which, position, delta) => {
        const original = (telegrams[which % telegrams.length] as (typeof telegrams)[number]).bytes;
        const index = position % original.length;
        checkMutation(original, index, ((original[index] as number) + delta) % 256);
      }),
      { numRuns: 5_000 },
    );
  });

  it('never parses a telegram with the low bit or the case bit of any one byte flipped, except a CRC digit case', () => {
    for (const telegram of telegrams) {
      for (let index = 0; index < telegram.bytes.length; index++) {
        checkMutation(telegram.bytes, index, (telegram.bytes[index] as number) ^ 0x01);
        checkMutation(telegram.bytes, index, (telegram.bytes[index] as number) ^ 0x20);
      }
    }
  });

  it('parses a telegram whose CRC digits changed case, to the same registers', () => {
    for (const telegram of telegrams) {
      const text = latin1Text(telegram.bytes);
      const swapped = text.replace(/\n!([0-9A-Fa-f]+)\r\n$/, (_m, crc: string) => `\n!${crc.toLowerCase()}\r\n`);
      const bytes = Uint8Array.from(swapped, (c) => c.charCodeAt(0));
      expect([telegram.name, registersOf(bytes)]).toEqual([telegram.name, registersOf(telegram.bytes)]);
    }
  });
});

describe('crc16Arc', () => {
  it('gives the catalogue check value 0xBB3D for "123456789"', () => {
    expect(crc16Arc(new TextEncoder().encode('123456789'))).toBe(0xbb3d);
  });

  it('agrees with the bit-by-bit definition on random bytes and sub-ranges', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(), fc.nat(), (bytes, a, b) => {
        expect(crc16Arc(bytes)).toBe(referenceCrc16Arc(bytes));
        const start = bytes.length === 0 ? 0 : a % bytes.length;
        const end = start + (bytes.length === 0 ? 0 : b % (bytes.length - start + 1));
        expect(crc16Arc(bytes, start, end)).toBe(referenceCrc16Arc(bytes.subarray(start, end)));
      }),
      { numRuns: 500 },
    );
  });
});
