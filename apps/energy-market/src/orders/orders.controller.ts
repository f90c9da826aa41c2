import { Controller } from '@nestjs/common';
import { OrderBatchSubmit, OrderCancel, OrderGet, OrderList, OrderReplace, OrderSubmit, type RpcRequest, type RpcResponse } from '@ampool/contracts';
import { RpcHandler } from '@ampool/messaging';
import { AreaRouter } from '../leases/area-router.service';
import { OrderActionsService } from './order-actions.service';
import { OrdersService } from './orders.service';

type BatchResults = RpcResponse<typeof OrderBatchSubmit>['results'];

/**
 * Orders. Whatever needs a market's book (submit, cancel, replace) runs at the instance that
 * writes the order's area (AreaRouter); reads come from the database.
 */
@Controller()
export class OrdersController {
  private readonly submitAt;
  private readonly batchAt;
  private readonly cancelAt;
  private readonly replaceAt;

  constructor(
    private readonly orders: OrdersService,
    private readonly actions: OrderActionsService,
    private readonly router: AreaRouter,
  ) {
    this.submitAt = router.route(OrderSubmit, (i) => orders.areaIdOf(i.zone), ({ participant, ...req }) => orders.submit(participant, req));
    this.batchAt = router.route(OrderBatchSubmit, (i) => this.areaOfBatch(i), async (i) => ({ results: await orders.submitMany(i.participant, i.orders) }));
    this.cancelAt = router.route(OrderCancel, (i) => actions.areaIdOfOrder(i.id), (i) => actions.cancel(i.id, i.participant));
    this.replaceAt = router.route(OrderReplace, (i) => actions.areaIdOfOrder(i.id), (i) => actions.replace(i.id, i.participant, i.quantityWh, i.limitPriceMicroPerKwh));
  }

  @RpcHandler(OrderSubmit)
  async submit(input: RpcRequest<typeof OrderSubmit>): Promise<RpcResponse<typeof OrderSubmit>> {
    return this.submitAt(input);
  }

  /** A batch may span areas: each area's orders go to that area's writer, and the answers come back in request order. */
  @RpcHandler(OrderBatchSubmit)
  async submitBatch(input: RpcRequest<typeof OrderBatchSubmit>): Promise<RpcResponse<typeof OrderBatchSubmit>> {
    const areaIds = await Promise.all(input.orders.map((o) => this.orders.areaIdOf(o.zone)));
    if (areaIds.every((a) => a === areaIds[0])) return this.batchAt(input);
    const groups = new Map<string | null, number[]>();
    areaIds.forEach((a, i) => groups.set(a, [...(groups.get(a) ?? []), i]));
    const results: BatchResults = new Array(input.orders.length);
    await Promise.all(
      [...groups.values()].map(async (indexes) => {
        const part = await this.batchAt({ participant: input.participant, orders: indexes.map((i) => input.orders[i]!) });
        indexes.forEach((i, k) => (results[i] = part.results[k]!));
      }),
    );
    return { results };
  }

  @RpcHandler(OrderCancel)
  async cancel(input: RpcRequest<typeof OrderCancel>): Promise<RpcResponse<typeof OrderCancel>> {
    return this.cancelAt(input);
  }

  @RpcHandler(OrderReplace)
  async replace(input: RpcRequest<typeof OrderReplace>): Promise<RpcResponse<typeof OrderReplace>> {
    return this.replaceAt(input);
  }

  @RpcHandler(OrderList)
  async list(input: RpcRequest<typeof OrderList>): Promise<RpcResponse<typeof OrderList>> {
    return this.actions.list(input);
  }

  @RpcHandler(OrderGet)
  async get(input: RpcRequest<typeof OrderGet>): Promise<RpcResponse<typeof OrderGet>> {
    return this.actions.get(input.id);
  }

  /** The area of a batch whose orders all lie in one area (the router passes on only such batches). */
  private async areaOfBatch(input: RpcRequest<typeof OrderBatchSubmit>): Promise<string | null> {
    const areaIds = new Set(await Promise.all(input.orders.map((o) => this.orders.areaIdOf(o.zone))));
    return areaIds.size === 1 ? [...areaIds][0]! : null;
  }
}
