import { z } from 'zod';
import { intFromEnv, serviceEnv } from '@ampool/config';
import { PARTICIPANT_ROLES } from '@ampool/contracts';

const roles = z.enum(PARTICIPANT_ROLES);

/** Identity's environment. */
export const identityConfig = z.object({
  ...serviceEnv,
  /** Roles activated at registration without an operator's approval (comma-separated); none by default. */
  AUTO_APPROVE_ROLES: z
    .string()
    .default('')
    .transform((s) => s.split(',').map((r) => r.trim()).filter(Boolean))
    .pipe(z.array(roles, { error: 'must be a comma-separated list of roles' })),
  CHALLENGE_TTL_SECONDS: intFromEnv(10, 3_600, 300),
  SESSION_TTL_MINUTES: intFromEnv(5, 7 * 24 * 60, 12 * 60),
  /** An operator account created (or whose password is reset) at boot, when both are set. */
  BOOTSTRAP_OPERATOR_EMAIL: z.email({ error: 'must be an email address' }).optional(),
  BOOTSTRAP_OPERATOR_PASSWORD: z.string().min(12, 'must be at least 12 characters').optional(),
});
export type IdentityConfig = z.output<typeof identityConfig>;

export const IDENTITY_CONFIG = Symbol('IDENTITY_CONFIG');
