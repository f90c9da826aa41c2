import { z } from 'zod';
import { sha256Hex } from '../wire/codecs';

/** A validator's signature of a block header (hex Ed25519 over the header hash, see @ampool/ledger). */
export const headerSignature = z.strictObject({
  validator: z.string(),
  signature: z.string().regex(/^[0-9a-f]{128}$/),
});

/** A block header exactly as signed (its canonical JSON hashes to `headerHash`). */
export const blockHeaderView = z.strictObject({
  chainId: z.string(),
  height: z.number().int().min(1),
  previousHeaderHash: sha256Hex,
  entriesRoot: sha256Hex,
  entryCount: z.number().int().nonnegative(),
  logSize: z.number().int().nonnegative(),
  logRoot: sha256Hex,
  time: z.string(),
  streamSeq: z.number().int().nonnegative(),
  membershipHash: sha256Hex,
});

/**
 * A signed tree head: the header of the latest final block (it names the log's size and
 * root) with the validators' signatures that made it final.
 */
export const signedTreeHead = z.strictObject({
  header: blockHeaderView,
  headerHash: sha256Hex,
  signatures: z.array(headerSignature),
});
export type SignedTreeHead = z.output<typeof signedTreeHead>;

/** Hex SHA-256 hashes of a Merkle proof, leaf (or old tree) upwards (RFC 9162). */
export const proofHashes = z.array(sha256Hex).max(128);
