import { z } from 'zod';
import { serviceEnv } from '@ampool/config';

/** The metering service's environment: the shared service fields only, for now. */
export const meteringConfig = z.object({ ...serviceEnv });
export type MeteringConfig = z.output<typeof meteringConfig>;
