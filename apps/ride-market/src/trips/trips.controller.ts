import { Controller } from '@nestjs/common';
import { TripCancel, TripGet, TripList, TripPublish, TripUpdate, type RpcRequest, type RpcResponse } from '@ampool/contracts';
import { RpcHandler } from '@ampool/messaging';
import { TripsService } from './trips.service';

@Controller()
export class TripsController {
  constructor(private readonly trips: TripsService) {}

  @RpcHandler(TripPublish)
  async publish(input: RpcRequest<typeof TripPublish>): Promise<RpcResponse<typeof TripPublish>> {
    return { trip: await this.trips.publish(input) };
  }

  @RpcHandler(TripUpdate)
  async update(input: RpcRequest<typeof TripUpdate>): Promise<RpcResponse<typeof TripUpdate>> {
    return { trip: await this.trips.update(input) };
  }

  @RpcHandler(TripCancel)
  cancel(input: RpcRequest<typeof TripCancel>): Promise<RpcResponse<typeof TripCancel>> {
    return this.trips.cancel(input);
  }

  @RpcHandler(TripGet)
  async get(input: RpcRequest<typeof TripGet>): Promise<RpcResponse<typeof TripGet>> {
    return { trip: await this.trips.get(input.id) };
  }

  @RpcHandler(TripList)
  list(input: RpcRequest<typeof TripList>): Promise<RpcResponse<typeof TripList>> {
    return this.trips.list(input.driver, input.after, input.limit);
  }
}
