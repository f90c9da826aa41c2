import { Controller } from '@nestjs/common';
import { ParticipantGet, ParticipantRegister, type RpcRequest, type RpcResponse } from '@ampool/contracts';
import { RpcHandler } from '@ampool/messaging';
import { ParticipantsService } from './participants.service';

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
}
