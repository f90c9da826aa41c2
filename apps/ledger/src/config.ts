import { z } from 'zod';
import { serviceEnv } from '@ampool/config';

/** The ledger's environment: the shared service fields only, for now. */
export const ledgerConfig = z.object({ ...serviceEnv });
export type LedgerConfig = z.output<typeof ledgerConfig>;
