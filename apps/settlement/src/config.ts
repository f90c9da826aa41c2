import { z } from 'zod';
import { serviceEnv } from '@ampool/config';

/** Settlement's environment: the shared service fields only, for now. */
export const settlementConfig = z.object({ ...serviceEnv });
export type SettlementConfig = z.output<typeof settlementConfig>;
