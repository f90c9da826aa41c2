import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { AppError, disputeOutcome, ErrorCode, text, TripDisputeResolve, TripLegGet, TripLegList, TripProofSubmit } from '@ampool/contracts';
import { z } from 'zod';
import { Access, Caller } from '../auth/auth.decorators';
import { requireSelfOrOperator } from '../auth/ownership';
import { actorOf, type Principal } from '../auth/principal';
import { ContractProxy } from '../http/contract-proxy';
import { parseWith } from '../http/parse';

const ID = z.strictObject({ id: z.string() });
const RESOLVE_BODY = z.strictObject({ outcome: disputeOutcome, note: text(500).default('') });
const LIST_QUERY = z.strictObject({
  status: z.string().optional(),
  after: z.string().optional(),
  limit: z.string().regex(/^[0-9]{1,4}$/, 'must be a whole number').transform(Number).optional(),
});

/** The participant a request speaks for: the signer, or the owner of the signing device. */
function partyOf(caller: Principal): string {
  if (caller.kind === 'participant') return caller.did;
  if (caller.kind === 'device') return caller.owner;
  return '';
}

/**
 * Trip proofs: the driver and the rider of a booking each send their signed pick-up and
 * drop-off confirmations (from their own key, or from one of their devices); operators see
 * the disputes and resolve them.
 */
@Controller('v1')
export class TripProofsController {
  constructor(private readonly proxy: ContractProxy) {}

  /** A party's signed confirmation. Who sends it comes from the signed request, never the body. */
  @Post('rides/bookings/:id/proofs')
  @HttpCode(200)
  @Access('participant', 'device')
  async submit(@Param() params: unknown, @Body() body: unknown, @Caller() caller: Principal) {
    const { id } = parseWith(ID, params);
    if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw new AppError(ErrorCode.VALIDATION_FAILED, 'the body must be a JSON object sent as content-type application/json');
    }
    for (const key of ['bookingId', 'submittedBy']) {
      if (Object.hasOwn(body, key)) throw new AppError(ErrorCode.VALIDATION_FAILED, `${key}: comes from the path and the signed request, not the body`, { issues: [{ path: key, message: 'not allowed in the body' }] });
    }
    const input = this.proxy.parse(TripProofSubmit, { ...(body as Record<string, unknown>), bookingId: id, submittedBy: partyOf(caller) });
    return this.proxy.encode(TripProofSubmit, await this.proxy.ask(TripProofSubmit, input));
  }

  /** The leg, its proofs and verdict: for its driver, its rider and operators. */
  @Get('rides/bookings/:id/proofs')
  @Access('participant', 'operator')
  async leg(@Param() params: unknown, @Caller() caller: Principal) {
    const reply = await this.proxy.ask(TripLegGet, this.proxy.parse(TripLegGet, { bookingId: parseWith(ID, params).id }));
    requireSelfOrOperator(caller, [reply.leg.driver, reply.leg.rider]);
    return this.proxy.encode(TripLegGet, reply);
  }

  /** Legs by status (disputed by default), for operators. */
  @Get('operator/trip-legs')
  @Access('operator')
  async list(@Query() query: unknown) {
    const q = parseWith(LIST_QUERY, query);
    return this.proxy.forward(TripLegList, { ...(q.status ? { status: q.status } : {}), ...(q.after ? { after: q.after } : {}), ...(q.limit !== undefined ? { limit: q.limit } : {}) });
  }

  /** An operator ends a dispute: `completed`, `rider-no-show` or `refund`. */
  @Post('operator/trip-legs/:id/resolve')
  @HttpCode(200)
  @Access('operator')
  async resolve(@Param() params: unknown, @Body() body: unknown, @Caller() caller: Principal) {
    const { outcome, note } = parseWith(RESOLVE_BODY, body ?? {});
    const input = this.proxy.parse(TripDisputeResolve, { bookingId: parseWith(ID, params).id, outcome, note, operator: actorOf(caller) });
    return this.proxy.encode(TripDisputeResolve, await this.proxy.ask(TripDisputeResolve, input));
  }
}
