import { Controller } from '@nestjs/common';
import { DepositCreate, type RpcRequest, type RpcResponse } from '@ampool/contracts';
import { RpcHandler } from '@ampool/messaging';
import { DepositsService } from './deposits.service';

@Controller()
export class DepositsController {
  constructor(private readonly deposits: DepositsService) {}

  @RpcHandler(DepositCreate)
  async create(input: RpcRequest<typeof DepositCreate>): Promise<RpcResponse<typeof DepositCreate>> {
    return this.deposits.deposit(input);
  }
}
