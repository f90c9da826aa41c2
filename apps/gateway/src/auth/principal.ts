import type { ParticipantRole, ParticipantStatus } from '@ampool/contracts';

/** Who is calling, once authenticated. */
export type Principal =
  | { kind: 'anonymous'; ip: string }
  | { kind: 'participant'; did: string; role: ParticipantRole; status: ParticipantStatus; keyId: string }
  | { kind: 'device'; did: string; owner: string; ownerStatus: ParticipantStatus; keyId: string }
  | { kind: 'operator'; operatorId: string; email: string };

/** True for browser operators and for participants with the operator role. */
export function isOperator(p: Principal): boolean {
  return p.kind === 'operator' || (p.kind === 'participant' && p.role === 'operator' && p.status === 'active');
}

/** The `actor` recorded for an action: the did, or `operator:<account id>`. */
export function actorOf(p: Principal): string {
  switch (p.kind) {
    case 'operator':
      return `operator:${p.operatorId}`;
    case 'anonymous':
      return 'anonymous';
    default:
      return p.did;
  }
}

/** The key a rate limit is counted under. */
export function rateKeyOf(p: Principal): string {
  switch (p.kind) {
    case 'operator':
      return `operator:${p.operatorId}`;
    case 'anonymous':
      return `ip:${p.ip}`;
    default:
      return p.did;
  }
}

declare module 'express' {
  interface Request {
    principal?: Principal;
    rawBody?: Buffer;
  }
}
