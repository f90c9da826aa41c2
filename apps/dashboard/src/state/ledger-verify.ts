/**
 * The dashboard's "verify": the operator's browser checks the ledger's latest final block on
 * its own, trusting neither the gateway nor a validator's word — it recomputes the header hash
 * from the header's canonical JSON (RFC 8785), checks every validator signature with the
 * validator's public key (from its did:key) and that a quorum signed, and that the block links
 * to the one before it.
 */

export interface BlockWire {
  header: { chainId: string; height: number; previousHeaderHash: string } & Record<string, unknown>;
  headerHash: string;
  signatures: { validator: string; signature: string }[];
  final: boolean;
}

export interface StatusWire {
  chainId: string;
  finalHeight: number;
  quorum: number;
  validatorKeys: { name: string; did: string }[];
}

export interface VerifyResult {
  ok: boolean;
  height: number;
  headerHash: string | null;
  /** Validators whose signature on the block checks out. */
  validSigners: string[];
  quorum: number;
  problems: string[];
}

/** RFC 8785 canonical JSON for what block headers hold: objects, arrays, strings, integers, booleans, null. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new RangeError('only safe integers are expected in a block header');
    return String(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    // RFC 8785 orders keys by UTF-16 code units, which is what plain string comparison does.
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  throw new TypeError(`cannot canonicalize ${typeof value}`);
}

const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

/** The 32-byte Ed25519 public key inside a did:key (multibase base58btc, multicodec 0xed 0x01). */
export function publicKeyOfDidKey(did: string): Uint8Array<ArrayBuffer> {
  if (!did.startsWith('did:key:z')) throw new Error(`not a base58btc did:key: ${did}`);
  const text = did.slice('did:key:z'.length);
  let n = 0n;
  for (const c of text) {
    const d = BASE58.indexOf(c);
    if (d < 0) throw new Error('not base58');
    n = n * 58n + BigInt(d);
  }
  const bytes: number[] = [];
  while (n > 0n) {
    bytes.unshift(Number(n & 0xffn));
    n >>= 8n;
  }
  for (const c of text) {
    if (c !== '1') break;
    bytes.unshift(0);
  }
  if (bytes.length !== 34 || bytes[0] !== 0xed || bytes[1] !== 0x01) throw new Error('not an Ed25519 did:key');
  return new Uint8Array(bytes.slice(2));
}

const hex = (bytes: ArrayBuffer) => [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, '0')).join('');
const fromHex = (h: string): Uint8Array<ArrayBuffer> => new Uint8Array((h.match(/../g) ?? []).map((b) => parseInt(b, 16)));

async function sha256Hex(subtle: SubtleCrypto, text: string): Promise<string> {
  return hex(await subtle.digest('SHA-256', new TextEncoder().encode(text)));
}

/** What a validator signs for a block (see @ampool/ledger): domain, chain, height and header hash. */
export function voteMessage(chainId: string, height: number, headerHash: string): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(`ampool/ledger/block/v1\n${chainId}\n${height}\n${headerHash}`);
}

export async function verifyLatestFinalBlock(get: <T>(path: string) => Promise<T>, subtle: SubtleCrypto): Promise<VerifyResult> {
  const status = await get<StatusWire>('/v1/ledger/status');
  const result: VerifyResult = { ok: false, height: status.finalHeight, headerHash: null, validSigners: [], quorum: status.quorum, problems: [] };
  if (status.finalHeight === 0) {
    result.problems.push('no block is final yet');
    return result;
  }
  const block = await get<BlockWire>(`/v1/ledger/blocks/${status.finalHeight}`);
  const hash = await sha256Hex(subtle, canonicalJson(block.header));
  result.headerHash = hash;
  if (hash !== block.headerHash) result.problems.push(`header hash recomputes to ${hash.slice(0, 12)}…, not ${block.headerHash.slice(0, 12)}…`);
  if (block.header.chainId !== status.chainId) result.problems.push(`block of chain ${block.header.chainId}, not ${status.chainId}`);
  if (block.header.height !== status.finalHeight) result.problems.push(`asked for block ${status.finalHeight}, got ${block.header.height}`);
  const message = voteMessage(block.header.chainId, block.header.height, hash);
  for (const s of block.signatures) {
    const member = status.validatorKeys.find((v) => v.name === s.validator);
    if (!member) {
      result.problems.push(`signature by ${s.validator}, who is not a validator`);
      continue;
    }
    const key = await subtle.importKey('raw', publicKeyOfDidKey(member.did), { name: 'Ed25519' }, false, ['verify']);
    if (await subtle.verify({ name: 'Ed25519' }, key, fromHex(s.signature), message)) {
      if (!result.validSigners.includes(s.validator)) result.validSigners.push(s.validator);
    } else result.problems.push(`${s.validator}'s signature does not verify`);
  }
  if (result.validSigners.length < status.quorum) result.problems.push(`${result.validSigners.length} valid signatures, quorum is ${status.quorum}`);
  if (block.header.height > 1) {
    const previous = await get<BlockWire>(`/v1/ledger/blocks/${block.header.height - 1}`);
    const previousHash = await sha256Hex(subtle, canonicalJson(previous.header));
    if (previousHash !== block.header.previousHeaderHash) result.problems.push(`block ${block.header.height} does not link to block ${block.header.height - 1}`);
  }
  result.ok = result.problems.length === 0;
  return result;
}
