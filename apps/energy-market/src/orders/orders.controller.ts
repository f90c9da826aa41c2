import { Controller } from '@nestjs/common';
import { OrderGet, OrderSubmit, type RpcRequest, type RpcResponse } from '@ampool/contracts';
import { RpcHandler } from '@ampool/messaging';
import { OrdersService } from './orders.service';

@Controller()
export class OrdersController {
  constructor(private readonly orders: OrdersService) {}

  @RpcHandler(OrderSubmit)
  async submit(input: RpcRequest<typeof OrderSubmit>): Promise<RpcResponse<typeof OrderSubmit>> {
    return this.orders.submit(input);
  }

  @RpcHandler(OrderGet)
  async get(input: RpcRequest<typeof OrderGet>): Promise<RpcResponse<typeof OrderGet>> {
    return this.orders.get(input.id);
  }
}
