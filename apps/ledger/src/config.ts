import { z } from 'zod';
import { intFromEnv, serviceEnv } from '@ampool/config';

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
  /**
   * The member's validator lease (LEDGER_LEASES) expires when not renewed for this long (ms):
   * after the active instance dies, a standby of the same member takes over after at most this
   * long plus one renewal round.
   */
  LEDGER_LEASE_TTL_MS: intFromEnv(1_000, 600_000, 3_000),
  /** How often the lease is renewed, or by a standby tried (ms); at most a third of the TTL. */
  LEDGER_LEASE_RENEW_MS: intFromEnv(100, 60_000, 1_000),
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
  /** Lease timing: time to live, and how often it is renewed (≤ a third of the TTL). */
  lease: { ttlMs: number; renewMs: number };
}

export const VALIDATOR_SETTINGS = Symbol('VALIDATOR_SETTINGS');
