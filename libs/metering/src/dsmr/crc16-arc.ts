/**
 * CRC-16/ARC (also "CRC-16/IBM", "CRC-16/LHA"): polynomial 0x8005 processed bit-reflected
 * (0xA001), initial value 0, no final XOR. DSMR 4 and later put it after the `!` of a
 * telegram, over every byte from `/` to `!` inclusive. Check value: "123456789" → 0xBB3D.
 */

// One table lookup per byte instead of eight shift-and-xor steps: telegrams are parsed at
// ingest rate, and the CRC touches every byte.
const TABLE = buildTable();

function buildTable(): Uint16Array {
  const table = new Uint16Array(256);
  for (let byte = 0; byte < 256; byte++) {
    let crc = byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
    table[byte] = crc;
  }
  return table;
}

/** CRC-16/ARC of `bytes[start, end)` (the whole array by default), as a number 0–0xFFFF. */
export function crc16Arc(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let crc = 0;
  for (let i = start; i < end; i++) {
    crc = (crc >>> 8) ^ (TABLE[(crc ^ (bytes[i] as number)) & 0xff] as number);
  }
  return crc;
}
