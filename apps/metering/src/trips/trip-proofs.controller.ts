import { Controller } from '@nestjs/common';
import { AppError, ErrorCode, TripDisputeResolve, TripLegGet, TripLegJudge, TripLegList, TripProofSubmit, type RpcRequest, type RpcResponse } from '@ampool/contracts';
import { RpcHandler } from '@ampool/messaging';
import { TripLegsRepository, tripLegView } from './trip-legs.repository';
import { TripProofsService } from './trip-proofs.service';

@Controller()
export class TripProofsController {
  constructor(
    private readonly proofs: TripProofsService,
    private readonly legs: TripLegsRepository,
  ) {}

  @RpcHandler(TripProofSubmit)
  async submit(input: RpcRequest<typeof TripProofSubmit>): Promise<RpcResponse<typeof TripProofSubmit>> {
    const out = await this.proofs.submit(input);
    return { duplicate: out.duplicate, leg: tripLegView(out.leg) };
  }

  @RpcHandler(TripLegGet)
  async get(input: RpcRequest<typeof TripLegGet>): Promise<RpcResponse<typeof TripLegGet>> {
    const leg = await this.legs.find(input.bookingId);
    if (!leg) throw new AppError(ErrorCode.TRIP_LEG_UNKNOWN, `no confirmed booking ${input.bookingId} is known to metering (yet)`);
    return { leg: tripLegView(leg) };
  }

  @RpcHandler(TripLegJudge)
  async judge(input: RpcRequest<typeof TripLegJudge>): Promise<RpcResponse<typeof TripLegJudge>> {
    return { leg: tripLegView(await this.proofs.judge(input.bookingId, input.noShowClaimed)) };
  }

  @RpcHandler(TripLegList)
  async list(input: RpcRequest<typeof TripLegList>): Promise<RpcResponse<typeof TripLegList>> {
    const rows = await this.legs.list(input.status, input.after, input.limit);
    return { legs: rows.map(tripLegView), next: rows.length === input.limit ? rows[rows.length - 1]!.bookingId : null };
  }

  @RpcHandler(TripDisputeResolve)
  async resolve(input: RpcRequest<typeof TripDisputeResolve>): Promise<RpcResponse<typeof TripDisputeResolve>> {
    return { leg: tripLegView(await this.proofs.resolve(input.bookingId, input.outcome, 'operator', input.operator, input.note)) };
  }
}
