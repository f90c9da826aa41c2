import { Controller } from '@nestjs/common';
import { ChallengeCreate, type RpcRequest, type RpcResponse } from '@ampool/contracts';
import { RpcHandler } from '@ampool/messaging';
import { ChallengesService } from './challenges.service';

@Controller()
export class ChallengesController {
  constructor(private readonly challenges: ChallengesService) {}

  @RpcHandler(ChallengeCreate)
  create(input: RpcRequest<typeof ChallengeCreate>): Promise<RpcResponse<typeof ChallengeCreate>> {
    return this.challenges.create(input.publicKey);
  }
}
