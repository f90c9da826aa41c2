import { z } from 'zod';
import { serviceEnv } from '@ampool/config';

/**
 * A ledger process is one validator: its name in the genesis, its signing key, and the
 * schema holding its own copy of the chain. The services sign and submit their own entries.
 */
export const ledgerConfig = z.object({
  ...serviceEnv,
  /** Path of the genesis file (JSON): validators, quorum, submitters, block rules. */
  LEDGER_GENESIS_FILE: z.string({ error: 'is required (path of the ledger genesis file)' }).min(1),
  /** This validator's name in the genesis. */
  LEDGER_VALIDATOR: z.string({ error: 'is required (this validator\'s name in the genesis)' }).regex(/^[a-z][a-z0-9-]{0,39}$/),
  /** File holding this validator's Ed25519 secret key (64 hex digits). */
  LEDGER_KEY_FILE: z.string({ error: 'is required (file with the validator\'s secret key in hex)' }).min(1),
  /** The PostgreSQL schema of this validator's copy. */
  LEDGER_SCHEMA: z.enum(['ledger_v1', 'ledger_v2', 'ledger_v3'], { error: 'must be ledger_v1, ledger_v2 or ledger_v3' }),
});
export type LedgerConfig = z.output<typeof ledgerConfig>;

/** What the validator needs at run time, read from the files at boot. */
export interface ValidatorSettings {
  genesisJson: string;
  name: string;
  secretKey: Uint8Array;
  schema: LedgerConfig['LEDGER_SCHEMA'];
  databaseUrl: string;
  poolMax: number;
}

export const VALIDATOR_SETTINGS = Symbol('VALIDATOR_SETTINGS');
