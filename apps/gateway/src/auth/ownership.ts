import { AppError, ErrorCode } from '@ampool/contracts';
import { isOperator, type Principal } from './principal';

/** Operators see everything; a participant only what belongs to it. */
export function requireSelfOrOperator(caller: Principal, owners: string | string[]): void {
  if (isOperator(caller)) return;
  const list = Array.isArray(owners) ? owners : [owners];
  if ((caller.kind === 'participant' || caller.kind === 'device') && list.includes(caller.did)) return;
  throw new AppError(ErrorCode.FORBIDDEN, 'this belongs to someone else');
}

/** The participant named in a request body must be the caller itself. */
export function requireSelf(caller: Principal, did: string, field = 'participant'): void {
  if (caller.kind === 'participant' && caller.did === did) return;
  throw new AppError(ErrorCode.FORBIDDEN, `${field} must be the signer`);
}
