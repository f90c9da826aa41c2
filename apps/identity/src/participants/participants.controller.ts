import { Controller } from '@nestjs/common';
import {
  ParticipantApprove,
  ParticipantGet,
  ParticipantList,
  ParticipantRegister,
  ParticipantReinstate,
  ParticipantRevoke,
  ParticipantSuspend,
  type RpcRequest,
  type RpcResponse,
} from '@ampool/contracts';
import { RpcHandler } from '@ampool/messaging';
import { ParticipantsService } from './participants.service';

type Change = RpcRequest<typeof ParticipantApprove>;
type Changed = RpcResponse<typeof ParticipantApprove>;

@Controller()
export class ParticipantsController {
  constructor(private readonly participants: ParticipantsService) {}

  @RpcHandler(ParticipantRegister)
  async register(input: RpcRequest<typeof ParticipantRegister>): Promise<RpcResponse<typeof ParticipantRegister>> {
    return { participant: await this.participants.register(input) };
  }

  @RpcHandler(ParticipantGet)
  async get(input: RpcRequest<typeof ParticipantGet>): Promise<RpcResponse<typeof ParticipantGet>> {
    return { participant: await this.participants.get(input.did) };
  }

  @RpcHandler(ParticipantList)
  async list(input: RpcRequest<typeof ParticipantList>): Promise<RpcResponse<typeof ParticipantList>> {
    const participants = await this.participants.list(input);
    return { participants, next: participants.length === input.limit ? participants[participants.length - 1]!.did : null };
  }

  @RpcHandler(ParticipantApprove)
  async approve(input: Change): Promise<Changed> {
    return { participant: await this.participants.transition('approve', input) };
  }

  @RpcHandler(ParticipantSuspend)
  async suspend(input: Change): Promise<Changed> {
    return { participant: await this.participants.transition('suspend', input) };
  }

  @RpcHandler(ParticipantReinstate)
  async reinstate(input: Change): Promise<Changed> {
    return { participant: await this.participants.transition('reinstate', input) };
  }

  @RpcHandler(ParticipantRevoke)
  async revoke(input: Change): Promise<Changed> {
    return { participant: await this.participants.transition('revoke', input) };
  }
}
