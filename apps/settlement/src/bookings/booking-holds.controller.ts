import { Controller } from '@nestjs/common';
import { BookingHoldPlace, BookingHoldRelease, type RpcRequest, type RpcResponse } from '@ampool/contracts';
import { RpcHandler } from '@ampool/messaging';
import { BookingHoldsService } from './booking-holds.service';

@Controller()
export class BookingHoldsController {
  constructor(private readonly holds: BookingHoldsService) {}

  @RpcHandler(BookingHoldPlace)
  async place(input: RpcRequest<typeof BookingHoldPlace>): Promise<RpcResponse<typeof BookingHoldPlace>> {
    return { results: await this.holds.place(input) };
  }

  @RpcHandler(BookingHoldRelease)
  async release(input: RpcRequest<typeof BookingHoldRelease>): Promise<RpcResponse<typeof BookingHoldRelease>> {
    return { results: await this.holds.release(input) };
  }
}
