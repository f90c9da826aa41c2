import { Controller } from '@nestjs/common';
import { PolicyList, PolicySet, PolicyStop, type RpcRequest, type RpcResponse } from '@ampool/contracts';
import { RpcHandler } from '@ampool/messaging';
import { PoliciesService } from './policies.service';

@Controller()
export class PoliciesController {
  constructor(private readonly policies: PoliciesService) {}

  @RpcHandler(PolicySet)
  async set(input: RpcRequest<typeof PolicySet>): Promise<RpcResponse<typeof PolicySet>> {
    return { policy: await this.policies.set(input) };
  }

  @RpcHandler(PolicyList)
  async list(input: RpcRequest<typeof PolicyList>): Promise<RpcResponse<typeof PolicyList>> {
    return { policies: await this.policies.list(input.participant) };
  }

  @RpcHandler(PolicyStop)
  async stop(input: RpcRequest<typeof PolicyStop>): Promise<RpcResponse<typeof PolicyStop>> {
    return { policy: await this.policies.stop(input.id, input.participant) };
  }
}
