import { z } from 'zod';
import { defineRpc } from '../contract';

/** The answering validator's view: how far it has read the stream, cut, and seen finality. */
export const LedgerStatus = defineRpc(
  'rpc.ledger.status.get',
  z.strictObject({}),
  z.strictObject({
    validator: z.string(),
    chainId: z.string(),
    height: z.number().int().nonnegative(),
    finalHeight: z.number().int().nonnegative(),
    logSize: z.number().int().nonnegative(),
    streamSeq: z.number().int().nonnegative(),
    streamLastSeq: z.number().int().nonnegative(),
    refusals: z.number().int().nonnegative(),
    quorum: z.number().int().min(1),
    validators: z.array(z.string()),
    /** The current validators' keys (did:key), so a member can check block signatures itself. */
    validatorKeys: z.array(z.strictObject({ name: z.string(), did: z.string().regex(/^did:key:z[1-9A-HJ-NP-Za-km-z]+$/) })),
  }),
);
