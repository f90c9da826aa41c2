/**
 * Base58btc (the Bitcoin alphabet), as multibase prefix `z` uses it. Leading zero bytes are
 * written as leading `1`s, one each, so encoding is a bijection between byte strings and
 * base58 strings and every value has exactly one encoding.
 */

const ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const DIGIT_OF = new Map([...ALPHABET].map((char, digit) => [char, digit]));

/**
 * Longest input {@link base58Decode} and {@link base58Encode} accept. Both are quadratic in
 * the length; identifiers are tens of characters, so a limit costs nothing and bounds the work
 * an attacker can cause with one string.
 */
export const BASE58_MAX_LENGTH = 1024;

/** Base58btc text of `bytes`. Throws a `RangeError` past {@link BASE58_MAX_LENGTH} bytes. */
export function base58Encode(bytes: Uint8Array): string {
  if (bytes.length > BASE58_MAX_LENGTH) throw new RangeError(`at most ${BASE58_MAX_LENGTH} bytes`);
  let zeros = 0;
  while (zeros < bytes.length && bytes[zeros] === 0) zeros++;
  // Little-endian base-58 digits of the big-endian number in bytes[zeros..], built by
  // multiply-and-add one byte at a time (schoolbook base conversion).
  const digits: number[] = [];
  for (let i = zeros; i < bytes.length; i++) {
    let carry = bytes[i] as number;
    for (let j = 0; j < digits.length; j++) {
      carry += (digits[j] as number) << 8;
      digits[j] = carry % 58;
      carry = Math.floor(carry / 58);
    }
    while (carry > 0) {
      digits.push(carry % 58);
      carry = Math.floor(carry / 58);
    }
  }
  let text = '1'.repeat(zeros);
  for (let j = digits.length - 1; j >= 0; j--) text += ALPHABET[digits[j] as number];
  return text;
}

/**
 * Bytes of a base58btc string, or `undefined` if it contains a character outside the alphabet
 * (including `0`, `O`, `I`, `l`, whitespace) or is longer than {@link BASE58_MAX_LENGTH}.
 */
export function base58Decode(text: string): Uint8Array | undefined {
  if (text.length > BASE58_MAX_LENGTH) return undefined;
  let ones = 0;
  while (ones < text.length && text[ones] === '1') ones++;
  // Little-endian bytes of the number, built by multiply-by-58-and-add per character.
  const bytes: number[] = [];
  for (let i = ones; i < text.length; i++) {
    const digit = DIGIT_OF.get(text[i] as string);
    if (digit === undefined) return undefined;
    let carry = digit;
    for (let j = 0; j < bytes.length; j++) {
      carry += (bytes[j] as number) * 58;
      bytes[j] = carry & 0xff;
      carry >>= 8;
    }
    while (carry > 0) {
      bytes.push(carry & 0xff);
      carry >>= 8;
    }
  }
  const out = new Uint8Array(ones + bytes.length);
  for (let j = 0; j < bytes.length; j++) out[out.length - 1 - j] = bytes[j] as number;
  return out;
}
