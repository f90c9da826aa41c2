import { Controller } from '@nestjs/common';
import { AppError, ErrorCode, TradeGet, type RpcRequest, type RpcResponse } from '@ampool/contracts';
import { RpcHandler } from '@ampool/messaging';
import { TradesRepository } from './trades.repository';

@Controller()
export class TradesController {
  constructor(private readonly trades: TradesRepository) {}

  @RpcHandler(TradeGet)
  async get(input: RpcRequest<typeof TradeGet>): Promise<RpcResponse<typeof TradeGet>> {
    const trade = await this.trades.findById(input.id);
    if (!trade) throw new AppError(ErrorCode.NOT_FOUND, `no trade ${input.id}`);
    return { trade };
  }
}
