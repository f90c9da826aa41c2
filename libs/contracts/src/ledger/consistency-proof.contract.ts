import { z } from 'zod';
import { defineRpc } from '../contract';
import { sha256Hex } from '../wire/codecs';
import { proofHashes, signedTreeHead } from './tree-head';

/** An RFC 9162 consistency proof that the log of `size2` entries extends the log of `size1`. */
export const ConsistencyProof = defineRpc(
  'rpc.ledger.log.consistency',
  z.strictObject({ size1: z.coerce.number().int().min(1), size2: z.coerce.number().int().min(1) }),
  z.strictObject({
    size1: z.number().int(),
    size2: z.number().int(),
    root1: sha256Hex,
    root2: sha256Hex,
    proof: proofHashes,
    treeHead: signedTreeHead,
  }),
);
