import { Controller } from '@nestjs/common';
import { OrderBatchSubmit, OrderCancel, OrderGet, OrderList, OrderReplace, OrderSubmit, type RpcRequest, type RpcResponse } from '@ampool/contracts';
import { RpcHandler } from '@ampool/messaging';
import { OrderActionsService } from './order-actions.service';
import { OrdersService } from './orders.service';

@Controller()
export class OrdersController {
  constructor(
    private readonly orders: OrdersService,
    private readonly actions: OrderActionsService,
  ) {}

  @RpcHandler(OrderSubmit)
  async submit(input: RpcRequest<typeof OrderSubmit>): Promise<RpcResponse<typeof OrderSubmit>> {
    const { participant, ...req } = input;
    return this.orders.submit(participant, req);
  }

  @RpcHandler(OrderBatchSubmit)
  async submitBatch(input: RpcRequest<typeof OrderBatchSubmit>): Promise<RpcResponse<typeof OrderBatchSubmit>> {
    return { results: await this.orders.submitMany(input.participant, input.orders) };
  }

  @RpcHandler(OrderCancel)
  async cancel(input: RpcRequest<typeof OrderCancel>): Promise<RpcResponse<typeof OrderCancel>> {
    return this.actions.cancel(input.id, input.participant);
  }

  @RpcHandler(OrderReplace)
  async replace(input: RpcRequest<typeof OrderReplace>): Promise<RpcResponse<typeof OrderReplace>> {
    return this.actions.replace(input.id, input.participant, input.quantityWh, input.limitPriceMicroPerKwh);
  }

  @RpcHandler(OrderList)
  async list(input: RpcRequest<typeof OrderList>): Promise<RpcResponse<typeof OrderList>> {
    return this.actions.list(input);
  }

  @RpcHandler(OrderGet)
  async get(input: RpcRequest<typeof OrderGet>): Promise<RpcResponse<typeof OrderGet>> {
    return this.actions.get(input.id);
  }
}
