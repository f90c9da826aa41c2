import { Controller } from '@nestjs/common';
import { TransferCreate, WithdrawalCreate, type RpcRequest, type RpcResponse } from '@ampool/contracts';
import { RpcHandler } from '@ampool/messaging';
import { TransfersService } from './transfers.service';

@Controller()
export class TransfersController {
  constructor(private readonly transfers: TransfersService) {}

  @RpcHandler(TransferCreate)
  async create(input: RpcRequest<typeof TransferCreate>): Promise<RpcResponse<typeof TransferCreate>> {
    return { results: await this.transfers.create(input) };
  }

  @RpcHandler(WithdrawalCreate)
  async withdraw(input: RpcRequest<typeof WithdrawalCreate>): Promise<RpcResponse<typeof WithdrawalCreate>> {
    return this.transfers.withdraw(input);
  }
}
