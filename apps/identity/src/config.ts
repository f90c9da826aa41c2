import { z } from 'zod';
import { serviceEnv } from '@ampool/config';

/** Identity's environment: the shared service fields only, for now. */
export const identityConfig = z.object({ ...serviceEnv });
export type IdentityConfig = z.output<typeof identityConfig>;
