import { z } from 'zod';
import { defineRpc } from '../contract';
import { sha256Hex } from '../wire/codecs';
import { proofHashes, signedTreeHead } from './tree-head';

/**
 * A final entry of the log with its RFC 9162 inclusion proof in the latest signed tree head:
 * anyone holding the validators' public keys can check it without trusting the server.
 */
export const EntryProof = defineRpc(
  'rpc.ledger.entry.proof',
  z.strictObject({ entryId: z.string().uuid() }),
  z.strictObject({
    entryId: z.string(),
    type: z.string(),
    /** The entry as logged (canonical JSON): its leaf hash is SHA-256(0x00 ‖ UTF-8 bytes). */
    entryJson: z.string(),
    height: z.number().int().min(1),
    leafIndex: z.number().int().nonnegative(),
    leafHash: sha256Hex,
    treeSize: z.number().int().min(1),
    proof: proofHashes,
    treeHead: signedTreeHead,
  }),
);
