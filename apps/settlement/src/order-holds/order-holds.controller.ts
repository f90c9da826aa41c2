import { Controller } from '@nestjs/common';
import { OrderHoldPlace, OrderHoldRelease, type RpcRequest, type RpcResponse } from '@ampool/contracts';
import { RpcHandler } from '@ampool/messaging';
import { OrderHoldsService } from './order-holds.service';

@Controller()
export class OrderHoldsController {
  constructor(private readonly holds: OrderHoldsService) {}

  @RpcHandler(OrderHoldPlace)
  async place(input: RpcRequest<typeof OrderHoldPlace>): Promise<RpcResponse<typeof OrderHoldPlace>> {
    return { results: await this.holds.place(input) };
  }

  @RpcHandler(OrderHoldRelease)
  async release(input: RpcRequest<typeof OrderHoldRelease>): Promise<RpcResponse<typeof OrderHoldRelease>> {
    return { results: await this.holds.release(input) };
  }
}
