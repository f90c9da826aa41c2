import { z } from 'zod';
import { serviceEnv } from '@ampool/config';

/** The ride-market service's environment: the shared service fields only, for now. */
export const ridesConfig = z.object({ ...serviceEnv });
export type RideMarketConfig = z.output<typeof ridesConfig>;
