import { Controller, Inject } from '@nestjs/common';
import { RideSearch, rideOfferWire, type RpcRequest } from '@ampool/contracts';
import { MAX_AMOUNT_MICRO, serviceFeeMicro } from '@ampool/matching';
import { Clock } from '@ampool/domain';
import { RpcHandler, WireReply } from '@ampool/messaging';
import { policyOf, RIDES_CONFIG, type RideMarketConfig } from '../config';
import { rideError } from '../ride-errors';
import { SearchIndex } from './search-index.service';

@Controller()
export class SearchController {
  constructor(
    private readonly index: SearchIndex,
    @Inject(RIDES_CONFIG) private readonly config: RideMarketConfig,
    private readonly clock: Clock,
  ) {}

  /** Ranked offers from this instance's index (see SearchIndex for how instances converge). */
  @RpcHandler(RideSearch)
  async search(input: RpcRequest<typeof RideSearch>): Promise<WireReply<typeof RideSearch>> {
    const result = this.index.search({
      ...(input.rider ? { riderId: input.rider } : {}),
      pickup: input.pickup,
      dropoff: input.dropoff,
      earliestDepartureMs: input.earliestDepartureAt.getTime(),
      latestDepartureMs: input.latestDepartureAt.getTime(),
      seats: input.seats,
      maxTotalPriceMicro: input.maxTotalPriceMicro ?? MAX_AMOUNT_MICRO,
      ...(input.walkingRadiusM === undefined ? {} : { walkingRadiusM: input.walkingRadiusM }),
      ...(input.limit === undefined ? {} : { limit: input.limit }),
      nowMs: this.clock.now(),
    });
    if (result.status === 'rejected') throw rideError(result, 'request');
    const policy = policyOf(this.config);
    return new WireReply(RideSearch, {
      offers: result.offers.map((o) => {
        const fee = serviceFeeMicro(o.totalPriceMicro, policy);
        return rideOfferWire({
          tripId: o.tripId, driver: o.driverId, bookingMode: o.bookingMode, pickup: o.pickup, dropoff: o.dropoff,
          pickupAt: new Date(o.pickupAtMs), dropoffAt: new Date(o.dropoffAtMs), detourM: o.detourM, detourMs: o.detourMs, walkingM: o.walkingM,
          seats: o.seats, farePerSeatMicro: o.farePerSeatMicro, fareMicro: o.totalPriceMicro, serviceFeeMicro: fee, totalMicro: o.totalPriceMicro + fee,
        });
      }),
    });
  }
}
