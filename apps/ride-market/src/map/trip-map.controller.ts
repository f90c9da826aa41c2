import { Controller } from '@nestjs/common';
import { MAP_ROUTE_POINTS, TripMap, type MapTrip, type RpcRequest, type RpcResponse } from '@ampool/contracts';
import { Clock } from '@ampool/domain';
import { RpcHandler } from '@ampool/messaging';
import { PrismaClient } from '@ampool/persistence';
import type { StoredSpec } from '../trips/trip-spec';
import { thinRoute } from './route-thinning';

interface MapRow {
  id: string;
  driver: string;
  spec: string;
  departure_at: Date;
  arrival_at: Date;
  booking_mode: 'instant' | 'approval';
  seats_offered: number;
  seats_taken: number;
  open_requests: number;
}

/** The operator's map of the ride market (see `TripMap`): read-only, on business time. */
@Controller()
export class TripMapController {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly clock: Clock,
  ) {}

  @RpcHandler(TripMap)
  async map(input: RpcRequest<typeof TripMap>): Promise<RpcResponse<typeof TripMap>> {
    const now = this.clock.now();
    const rows = await this.prisma.$queryRawUnsafe<MapRow[]>(
      `SELECT t.id::text, t.driver, t.spec, t.departure_at, t.arrival_at, t.booking_mode, t.seats_offered,
              COALESCE((SELECT max(l.seats_taken) FROM rides.trip_leg l WHERE l.trip_id = t.id), 0)::int AS seats_taken,
              (SELECT count(*) FROM rides.booking b WHERE b.trip_id = t.id AND b.state = 'requested')::int AS open_requests
         FROM rides.trip t
        WHERE t.status = 'published' AND t.departure_at BETWEEN $1 AND $2
        ORDER BY t.departure_at, t.id
        LIMIT $3`,
      new Date(now - input.beforeMinutes * 60_000),
      new Date(now + input.afterMinutes * 60_000),
      input.limit + 1,
    );
    const trips: MapTrip[] = rows.slice(0, input.limit).map((r) => ({
      tripId: r.id,
      driver: r.driver,
      departureAt: r.departure_at,
      arrivalAt: r.arrival_at,
      bookingMode: r.booking_mode,
      seatsOffered: r.seats_offered,
      seatsTaken: r.seats_taken,
      openRequests: r.open_requests,
      route: thinRoute((JSON.parse(r.spec) as StoredSpec).route, MAP_ROUTE_POINTS),
    }));
    return { at: new Date(now), trips, truncated: rows.length > input.limit };
  }
}
