import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { ParticipantRole } from '@ampool/contracts';
import type { Principal } from './principal';

/**
 * Who may call a route: `public`, any `participant`, a participant of one role
 * (`participant:household`), a `device`, or an `operator` (browser session, or a participant
 * with the operator role). A route without @Access is refused: access is never implicit.
 */
export type Access = 'public' | 'participant' | `participant:${ParticipantRole}` | 'device' | 'operator';

export const ACCESS_KEY = 'ampool:access';

export const Access = (...allowed: Access[]) => SetMetadata(ACCESS_KEY, allowed);

export const UNTHROTTLED_KEY = 'ampool:unthrottled';

/** Exempts a route from rate limits (health probes: an orchestrator must always get an answer). */
export const Unthrottled = () => SetMetadata(UNTHROTTLED_KEY, true);

/** The authenticated caller of this request. */
export const Caller = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const principal = ctx.switchToHttp().getRequest<Request>().principal;
  if (!principal) throw new Error('no principal: is the route missing @Access?');
  return principal;
});
