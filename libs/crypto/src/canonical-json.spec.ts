import fc from 'fast-check';
import { canonicalJson, CANONICAL_JSON_MAX_DEPTH } from './canonical-json';
import { CryptoError } from './errors';

/** A double from its IEEE 754 bit pattern, as RFC 8785 Appendix B lists them. */
function fromBits(bits: string): number {
  return Buffer.from(bits, 'hex').readDoubleBE(0);
}

function expectRefused(value: unknown, pathFragment: string): void {
  let thrown: unknown;
  try {
    canonicalJson(value);
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(CryptoError);
  expect((thrown as CryptoError).code).toBe('NOT_CANONICALIZABLE');
  expect((thrown as CryptoError).message).toContain(pathFragment);
}

describe('canonicalJson (RFC 8785)', () => {
  it('serialises the example of RFC 8785 §3.2.2 as §3.2.3 shows', () => {
    const input =
      '{\n  "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],\n' +
      '  "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",\n' +
      '  "literals": [null, true, false]\n}';
    expect(canonicalJson(JSON.parse(input))).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],' +
        '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it('sorts keys by UTF-16 code units, as in the example of RFC 8785 §3.2.3', () => {
    const input = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    // Read the order from the text: JSON.parse would move the integer-like key "1" first.
    const textOrder = [...canonicalJson(input).matchAll(/:"([^"]+)"/g)].map((m) => m[1]);
    expect(textOrder).toEqual([
      'Carriage Return',
      'One',
      'Control',
      'Latin Small Letter O With Diaeresis',
      'Euro Sign',
      'Emoji: Grinning Face',
      'Hebrew Letter Dalet With Dagesh',
    ]);
  });

  // RFC 8785 Appendix B: IEEE 754 bit patterns and their JSON number text.
  it.each([
    ['0000000000000000', '0'],
    ['8000000000000000', '0'],
    ['0000000000000001', '5e-324'],
    ['8000000000000001', '-5e-324'],
    ['7fefffffffffffff', '1.7976931348623157e+308'],
    ['ffefffffffffffff', '-1.7976931348623157e+308'],
    ['4340000000000000', '9007199254740992'],
    ['c340000000000000', '-9007199254740992'],
    ['4430000000000000', '295147905179352830000'],
    ['44b52d02c7e14af5', '9.999999999999997e+22'],
    ['44b52d02c7e14af6', '1e+23'],
    ['44b52d02c7e14af7', '1.0000000000000001e+23'],
    ['444b1ae4d6e2ef4e', '999999999999999700000'],
    ['444b1ae4d6e2ef4f', '999999999999999900000'],
    ['444b1ae4d6e2ef50', '1e+21'],
    ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
    ['3eb0c6f7a0b5ed8d', '0.000001'],
    ['41b3de4355555553', '333333333.3333332'],
    ['41b3de4355555554', '333333333.33333325'],
    ['41b3de4355555555', '333333333.3333333'],
    ['41b3de4355555556', '333333333.3333334'],
    ['41b3de4355555557', '333333333.33333343'],
    ['becbf647612f3696', '-0.0000033333333333333333'],
    ['43143ff3c1cb0959', '1424953923781206.2'],
  ])('writes the double with bits %s as %s', (bits, text) => {
    expect(canonicalJson(fromBits(bits))).toBe(text);
    expect(canonicalJson([fromBits(bits)])).toBe(`[${text}]`);
  });

  it('escapes only what JSON requires, using the short escapes where they exist', () => {
    const controls = Array.from({ length: 0x20 }, (_, i) => String.fromCharCode(i)).join('');
    expect(canonicalJson(controls)).toBe(
      '"\\u0000\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007\\b\\t\\n\\u000b\\f\\r\\u000e\\u000f' +
        '\\u0010\\u0011\\u0012\\u0013\\u0014\\u0015\\u0016\\u0017\\u0018\\u0019\\u001a\\u001b\\u001c\\u001d\\u001e\\u001f"',
    );
    expect(canonicalJson('"\\/\u007f\u2028€😀')).toBe('"\\"\\\\/\u007f\u2028€😀"');
  });

  it('omits undefined properties, as JSON.stringify does', () => {
    expect(canonicalJson({ b: 1, a: undefined, c: { d: undefined } })).toBe('{"b":1,"c":{}}');
  });

  it('serialises a Date through toJSON and keeps "__proto__" as an ordinary key', () => {
    expect(canonicalJson({ at: new Date(Date.UTC(2025, 0, 2, 3, 4, 5)) })).toBe('{"at":"2025-01-02T03:04:05.000Z"}');
    expect(canonicalJson(JSON.parse('{"__proto__":{"x":1},"a":2}'))).toBe('{"__proto__":{"x":1},"a":2}');
    const bare = Object.create(null) as Record<string, number>;
    bare['z'] = 1;
    bare['y'] = 2;
    expect(canonicalJson(bare)).toBe('{"y":2,"z":1}');
  });

  it.each<[string, unknown, string]>([
    ['a bigint', 10n, '$'],
    ['a nested bigint', { amounts: [1, 2n] }, '$.amounts[1]'],
    ['undefined at the top level', undefined, '$'],
    ['undefined in an array', [1, undefined], '$[1]'],
    ['a function', () => 1, '$'],
    ['a function property', { f: () => 1 }, '$.f'],
    ['a symbol', { s: Symbol('x') }, '$.s'],
    ['NaN', Number.NaN, '$'],
    ['Infinity', { x: Number.POSITIVE_INFINITY }, '$.x'],
    ['-Infinity', [Number.NEGATIVE_INFINITY], '$[0]'],
    ['a lone surrogate', { name: 'a\ud800b' }, '$.name'],
    ['a lone surrogate in a key', { ['\udc00']: 1 }, '$'],
    ['a Map', { m: new Map([[1, 2]]) }, '$.m'],
    ['a Set', new Set([1]), '$'],
    ['a Uint8Array', { bytes: new Uint8Array([1, 2]) }, '$.bytes'],
    ['a class instance', { when: new (class Interval { start = 1 })() }, 'Interval'],
    ['a boxed number', { n: new Number(1) }, '$.n'],
  ])('refuses %s with NOT_CANONICALIZABLE, naming where', (_label, value, where) => {
    expectRefused(value, where);
  });

  it('refuses a cycle', () => {
    const node: Record<string, unknown> = { a: 1 };
    node['self'] = { back: node };
    expectRefused(node, '$.self.back');
  });

  it('accepts the same object twice when it is not a cycle', () => {
    const shared = { x: 1 };
    expect(canonicalJson({ a: shared, b: [shared] })).toBe('{"a":{"x":1},"b":[{"x":1}]}');
  });

  it('refuses nesting beyond the limit and accepts it up to the limit', () => {
    const nest = (depth: number): unknown => {
      let value: unknown = 0;
      for (let i = 0; i < depth; i++) value = [value];
      return value;
    };
    expect(canonicalJson(nest(CANONICAL_JSON_MAX_DEPTH))).toBe('['.repeat(CANONICAL_JSON_MAX_DEPTH) + '0' + ']'.repeat(CANONICAL_JSON_MAX_DEPTH));
    expectRefused(nest(CANONICAL_JSON_MAX_DEPTH + 1), 'nested deeper');
  });

  it('is valid JSON for the same value, a fixed point, and blind to key order', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalJson(value);
        const reparsed: unknown = JSON.parse(text);
        // JSON has no -0; the canonical form writes it as 0.
        expect(reparsed).toEqual(JSON.parse(JSON.stringify(value)));
        expect(canonicalJson(reparsed)).toBe(text);
        expect(canonicalJson(reverseKeys(value))).toBe(text);
      }),
    );
  });
});

function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reverseKeys(v)]));
  }
  return value;
}
