import { z } from 'zod';
import { defineRpc } from '../contract';
import { sha256Hex } from '../wire/codecs';
import { blockHeaderView, headerSignature } from './tree-head';

/** A block's header with every signature the answering validator accepted, and whether it is final. */
export const BlockGet = defineRpc(
  'rpc.ledger.block.get',
  z.strictObject({ height: z.coerce.number().int().min(1) }),
  z.strictObject({
    header: blockHeaderView,
    headerHash: sha256Hex,
    signatures: z.array(headerSignature),
    final: z.boolean(),
    entryIds: z.array(z.string()).max(100_000),
  }),
);
