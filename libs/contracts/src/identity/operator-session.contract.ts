import { z } from 'zod';
import { defineRpc } from '../contract';
import { instant } from '../wire/codecs';

/** An operator's browser account. */
export const operatorView = z.strictObject({ id: z.uuid(), email: z.string(), createdAt: instant });
export type OperatorView = z.output<typeof operatorView>;

const sessionToken = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'must be a session token');

/** Password login; the token goes into an HttpOnly, SameSite=Strict cookie at the gateway. */
export const OperatorLogin = defineRpc(
  'rpc.identity.operator.login',
  z.strictObject({ email: z.string().trim().toLowerCase().max(254).email(), password: z.string().min(1).max(256) }),
  z.strictObject({ token: sessionToken, expiresAt: instant, operator: operatorView }),
);

/** The operator behind a session token, if the session is live. */
export const SessionResolve = defineRpc('rpc.identity.session.resolve', z.strictObject({ token: sessionToken }), z.strictObject({ operator: operatorView, expiresAt: instant }));

/** Ends a session (logout). */
export const SessionEnd = defineRpc('rpc.identity.session.end', z.strictObject({ token: sessionToken }), z.strictObject({ ended: z.boolean() }));
