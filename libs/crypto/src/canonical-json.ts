import canonicalize from 'canonicalize';
import { CryptoError } from './errors';

/**
 * Deepest nesting {@link canonicalJson} accepts. Ledger entries are a few levels deep; the
 * limit keeps a hostile or buggy value from exhausting the stack.
 */
export const CANONICAL_JSON_MAX_DEPTH = 256;

// With the `u` flag a well-formed surrogate pair is one astral code point, so only lone
// surrogates (which I-JSON, and hence RFC 8785, forbids) match the surrogate category.
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * The RFC 8785 (JSON Canonicalization Scheme) text of `value`: object keys sorted by UTF-16
 * code units, no whitespace, numbers in ECMAScript shortest form, strings with JSON's minimal
 * escaping. Equal values give byte-identical text, so the text can be hashed and signed.
 *
 * Only values with one obvious JSON form are accepted: `null`, booleans, finite numbers,
 * well-formed strings, arrays, plain objects (prototype `Object.prototype` or `null`) and
 * objects with `toJSON` (such as `Date`). Properties whose value is `undefined` are omitted,
 * as `JSON.stringify` does, so optional fields hash the same whether absent or undefined.
 * Everything else throws `CryptoError('NOT_CANONICALIZABLE')` naming the offending path:
 * `bigint` (send it as a decimal string), `undefined` at the top level or in an array,
 * functions, symbols, NaN and ±Infinity, strings with lone surrogates, class instances, `Map`,
 * `Set`, typed arrays (which JSON would silently turn into `{}` or an object of indices),
 * cycles, and nesting deeper than {@link CANONICAL_JSON_MAX_DEPTH}.
 */
export function canonicalJson(value: unknown): string {
  // Serialise a checked plain copy rather than the original, so that what was validated is
  // exactly what gets serialised even if a `toJSON` or getter answers differently each time.
  const plain = toPlainJson(value, '$', 0, new Set());
  let text: string | undefined;
  try {
    text = canonicalize(plain);
  } catch (error) {
    throw new CryptoError('NOT_CANONICALIZABLE', `$: ${(error as Error).message}`);
  }
  if (text === undefined) throw refuse('$', 'value has no JSON form');
  return text;
}

function refuse(path: string, why: string): CryptoError {
  return new CryptoError('NOT_CANONICALIZABLE', `${path}: ${why}`);
}

function toPlainJson(value: unknown, path: string, depth: number, ancestors: Set<object>): unknown {
  switch (typeof value) {
    case 'string':
      if (LONE_SURROGATE.test(value)) throw refuse(path, 'string contains a lone surrogate');
      return value;
    case 'number':
      if (!Number.isFinite(value)) throw refuse(path, `${value} has no JSON form`);
      return value;
    case 'boolean':
      return value;
    case 'bigint':
      throw refuse(path, 'bigint has no JSON form; encode it as a decimal string');
    case 'undefined':
      throw refuse(path, 'undefined has no JSON form');
    case 'function':
    case 'symbol':
      throw refuse(path, `a ${typeof value} has no JSON form`);
  }
  if (value === null) return null;
  const object = value as object;
  if (depth >= CANONICAL_JSON_MAX_DEPTH) throw refuse(path, `nested deeper than ${CANONICAL_JSON_MAX_DEPTH}`);
  if (ancestors.has(object)) throw refuse(path, 'circular reference');

  const toJSON = (object as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') {
    ancestors.add(object);
    const resolved = toPlainJson(toJSON.call(object), path, depth + 1, ancestors);
    ancestors.delete(object);
    return resolved;
  }

  ancestors.add(object);
  let plain: unknown;
  if (Array.isArray(object)) {
    plain = object.map((element: unknown, index) => {
      if (element === undefined) throw refuse(`${path}[${index}]`, 'undefined in an array has no JSON form');
      return toPlainJson(element, `${path}[${index}]`, depth + 1, ancestors);
    });
  } else {
    const prototype = Object.getPrototypeOf(object) as unknown;
    if (prototype !== Object.prototype && prototype !== null) {
      const kind = (object.constructor as { name?: string } | undefined)?.name ?? 'object';
      throw refuse(path, `${kind} is not a plain object; convert it to one explicitly`);
    }
    // A null-prototype copy, so that a key such as "__proto__" stays an ordinary key.
    const copy = Object.create(null) as Record<string, unknown>;
    for (const key of Object.keys(object)) {
      if (LONE_SURROGATE.test(key)) throw refuse(path, 'a key contains a lone surrogate');
      const member = (object as Record<string, unknown>)[key];
      if (member === undefined) continue;
      copy[key] = toPlainJson(member, `${path}.${key}`, depth + 1, ancestors);
    }
    plain = copy;
  }
  ancestors.delete(object);
  return plain;
}
