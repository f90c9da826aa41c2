import { Injectable } from '@nestjs/common';
import { BookingHoldPlace, BookingHoldRelease, MAX_BOOKING_HOLDS_PER_REQUEST, type RpcRequest, type RpcResponse } from '@ampool/contracts';
import { RpcClient } from '@ampool/messaging';

type Hold = RpcRequest<typeof BookingHoldPlace>['holds'][number];
type Release = RpcRequest<typeof BookingHoldRelease>['releases'][number];

/** Settlement's booking holds, asked in requests of at most the contract's batch size. */
@Injectable()
export class SettlementHolds {
  constructor(private readonly rpc: RpcClient) {}

  async place(holds: Hold[]): Promise<RpcResponse<typeof BookingHoldPlace>['results']> {
    const out: RpcResponse<typeof BookingHoldPlace>['results'] = [];
    for (let i = 0; i < holds.length; i += MAX_BOOKING_HOLDS_PER_REQUEST) {
      out.push(...(await this.rpc.request(BookingHoldPlace, { holds: holds.slice(i, i + MAX_BOOKING_HOLDS_PER_REQUEST) })).results);
    }
    return out;
  }

  async release(releases: Release[]): Promise<RpcResponse<typeof BookingHoldRelease>['results']> {
    const out: RpcResponse<typeof BookingHoldRelease>['results'] = [];
    for (let i = 0; i < releases.length; i += MAX_BOOKING_HOLDS_PER_REQUEST) {
      out.push(...(await this.rpc.request(BookingHoldRelease, { releases: releases.slice(i, i + MAX_BOOKING_HOLDS_PER_REQUEST) })).results);
    }
    return out;
  }
}
