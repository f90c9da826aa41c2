/**
 * Trip proofs through the real services and database (issues 4, 6, 7).
 *
 *   npm run bench:trip-proofs -- --json [--bookings N] [--concurrency N] [--gateway N]
 *
 * Boots identity, settlement, metering and ride-market as processes on a fresh database and a
 * private nats-server (bench-system.ts). Registers a driver and 32 riders, publishes one trip
 * per 60 bookings and books `--bookings` seats (default 2,000). Each booking gets four proofs
 * (driver and rider, pick-up and drop-off), signed beforehand; the benchmark then sends all of
 * them to metering over NATS (`rpc.metering.trip-proof.submit`), `--concurrency` in flight
 * (default 64): each request resolves the signer's key (cached), verifies the Ed25519
 * signature, locks the leg, stores the proof and judges the leg — the fourth proof of a
 * booking proves it and writes the verdict event. Prints `proofsPerSec` (proofs verified and
 * stored ÷ wall time) with latency p50/p99, then `completionsPerSec`: bookings completed and
 * paid in settlement (driver's fare, platform's fee) ÷ the time from the first proof until the
 * last booking is released. `--gateway N` (default 400) more proofs go through the gateway as
 * signed HTTP requests, 16 in flight, for their latency.
 */
import { BookingCreate, BookingGet, DepositCreate, TripLegGet, TripProofSubmit, TripPublish } from '@ampool/contracts';
import { registerParticipant, signTripProof, submitTripProof, type KeyHolder, type TripProofBody } from '@ampool/client';
import { uuidv7 } from '@ampool/domain';
import { connectNats, RpcClient } from '@ampool/messaging';
import { startBenchSystem } from '../bench-system';
import { machine, percentile } from '../machine';

const args = process.argv.slice(2);
const flag = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const JSON_OUT = args.includes('--json');
const BOOKINGS = flag('bookings', 2_000);
const CONCURRENCY = flag('concurrency', 64);
const GATEWAY = flag('gateway', 400);
const RIDERS = 32;
const PER_TRIP = 60;
const log = (line: string) => process.stderr.write(`[bench:trip-proofs] ${line}\n`);

interface Booked {
  id: string;
  rider: KeyHolder;
  riderDid: string;
  pickup: { lat: number; lon: number; atMs: number };
  dropoff: { lat: number; lon: number; atMs: number };
}

async function main(): Promise<void> {
  const sys = await startBenchSystem(['identity', 'settlement', 'metering', 'ride-market'], log, {
    // Trips depart in two days and proofs are signed at the agreed times: allow them ahead of now.
    metering: { TRIP_CLOCK_SKEW_SECONDS: String(7 * 86_400) },
  });
  try {
    const nc = await connectNats({ servers: [sys.natsUrl], name: 'bench-trip-proofs' });
    const rpc = new RpcClient(nc, 30_000);
    const approve = (did: string) => sys.client.post(`/v1/participants/${did}/approve`, { reason: 'bench' }, sys.operator).catch(() => undefined);
    const driver = await registerParticipant(sys.client, 'driver', 'bench driver');
    await approve(driver.did);
    const riders: Awaited<ReturnType<typeof registerParticipant>>[] = [];
    for (let i = 0; i < RIDERS; i++) {
      const r = await registerParticipant(sys.client, 'rider', `bench rider ${i}`);
      await approve(r.did);
      await rpc.request(DepositCreate, { id: uuidv7(), participant: r.did, amountMicro: 10n ** 12n, actor: `operator:${uuidv7()}` });
      riders.push(r);
    }
    const departure = Date.now() + 48 * 3_600_000;
    const trips = Math.ceil(BOOKINGS / PER_TRIP);
    const tripIds: string[] = [];
    for (let i = 0; i < trips; i++) {
      const lat = 48.85 + (i % 20) * 0.002;
      const trip = await rpc.request(TripPublish, {
        id: uuidv7(), driver: driver.did, route: [[lat, 2.30], [lat, 2.35], [lat, 2.40]],
        departureAt: new Date(departure + i * 60_000), arrivalAt: new Date(departure + i * 60_000 + 20 * 60_000), vehicleCapacity: 64, seatsOffered: 64,
        pricing: { kind: 'per-seat', pricePerSeatMicro: 6_000_000n }, maxDetourM: 0, maxDetourMinutes: 0, bookingMode: 'instant',
      });
      tripIds.push(trip.trip.id);
    }
    log(`${trips} trips, ${RIDERS} riders; booking ${BOOKINGS} seats ...`);
    const booked: Booked[] = [];
    let k = 0;
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        for (;;) {
          const i = k++;
          if (i >= BOOKINGS) return;
          const t = Math.floor(i / PER_TRIP);
          const lat = 48.8502 + (t % 20) * 0.002;
          const rider = riders[i % RIDERS]!;
          const { booking: b } = await rpc.request(BookingCreate, { id: uuidv7(), tripId: tripIds[t]!, rider: rider.did, pickup: [lat, 2.301], dropoff: [lat, 2.399], seats: 1 });
          booked.push({ id: b.id, rider: rider.key, riderDid: rider.did, pickup: { lat: b.pickup.lat, lon: b.pickup.lon, atMs: b.pickupAt.getTime() }, dropoff: { lat: b.dropoff.lat, lon: b.dropoff.lon, atMs: b.dropoffAt.getTime() } });
        }
      }),
    );
    // Metering learns each leg from the booking's confirmation event.
    for (const b of booked) {
      for (let tries = 0; ; tries++) {
        try {
          await rpc.request(TripLegGet, { bookingId: b.id });
          break;
        } catch (error) {
          if (tries > 600) throw error;
          await new Promise((r) => setTimeout(r, 50));
        }
      }
    }
    const gatewayPart = booked.splice(0, Math.min(GATEWAY >> 2, booked.length >> 2));

    const sign = (b: Booked) => {
      const of = (role: 'driver' | 'rider', event: 'pickup' | 'dropoff') => {
        const p = event === 'pickup' ? b.pickup : b.dropoff;
        const key = role === 'driver' ? driver.key : b.rider;
        return { sender: key, party: role === 'driver' ? driver.did : b.riderDid, body: signTripProof(key, b.id, { role, event, atMs: p.atMs, lat: p.lat, lon: p.lon }) };
      };
      return [of('driver', 'pickup'), of('rider', 'pickup'), of('driver', 'dropoff'), of('rider', 'dropoff')];
    };
    // Proofs in rounds (all pick-ups, then all drop-offs), as rides happen.
    const signed = booked.map(sign);
    const queue: { bookingId: string; sender: KeyHolder; party: string; body: TripProofBody }[] = [];
    for (let j = 0; j < 4; j++) for (let i = 0; i < booked.length; i++) queue.push({ bookingId: booked[i]!.id, ...signed[i]![j]! });
    log(`${queue.length} proofs for ${booked.length} bookings, ${CONCURRENCY} in flight ...`);

    const latencies: number[] = [];
    let refused = 0;
    let n = 0;
    const started = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (;;) {
          const q = queue[n++];
          if (!q) return;
          const t0 = process.hrtime.bigint();
          try {
            await rpc.request(TripProofSubmit, {
              bookingId: q.bookingId, submittedBy: q.party, role: q.body.role, event: q.body.event, signer: q.body.signer,
              at: new Date(q.body.at), latE6: q.body.latE6, lonE6: q.body.lonE6, signature: q.body.signature,
            });
          } catch (error) {
            if (refused++ < 3) log(`refused: ${(error as Error).message}`);
          }
          latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
        }
      }),
    );
    const proofSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    log(`${queue.length - refused} proofs stored, ${refused} refused in ${proofSeconds.toFixed(1)} s; waiting for the bookings to be paid ...`);

    // Completion: every booking completed and its hold released in settlement.
    let pending = booked.map((b) => b.id);
    const deadline = Date.now() + 300_000;
    while (pending.length > 0 && Date.now() < deadline) {
      const still: string[] = [];
      for (let i = 0; i < pending.length; i += 64) {
        const chunk = pending.slice(i, i + 64);
        const states = await Promise.all(chunk.map((id) => rpc.request(BookingGet, { id })));
        states.forEach((s, j) => {
          if (!(s.booking.state === 'completed' && s.booking.holdState === 'released')) still.push(chunk[j]!);
        });
      }
      pending = still;
      if (pending.length > 0) await new Promise((r) => setTimeout(r, 200));
    }
    const completionSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    const completed = booked.length - pending.length;
    log(`${completed} bookings completed and paid in ${completionSeconds.toFixed(1)} s`);

    // The same through the gateway: signed HTTP requests, 16 in flight.
    const httpQueue: { bookingId: string; sender: KeyHolder; party: string; body: TripProofBody }[] = [];
    const signedHttp = gatewayPart.map(sign);
    for (let j = 0; j < 4; j++) for (let i = 0; i < gatewayPart.length; i++) httpQueue.push({ bookingId: gatewayPart[i]!.id, ...signedHttp[i]![j]! });
    const httpTimes: number[] = [];
    let h = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        for (;;) {
          const q = httpQueue[h++];
          if (!q) return;
          const t0 = process.hrtime.bigint();
          await submitTripProof(sys.client, q.sender, q.bookingId, q.body);
          httpTimes.push(Number(process.hrtime.bigint() - t0) / 1e6);
        }
      }),
    );
    await nc.drain();

    const result = {
      benchmark: 'trip-proofs',
      proofsPerSec: Math.round((queue.length - refused) / proofSeconds),
      proofs: queue.length,
      proofsRefused: refused,
      proofP50Ms: round(percentile(latencies, 50)),
      proofP99Ms: round(percentile(latencies, 99)),
      concurrency: CONCURRENCY,
      completionsPerSec: Math.round(completed / completionSeconds),
      bookingsCompleted: completed,
      bookings: booked.length,
      gatewayProofs: httpTimes.length,
      gatewayProofP50Ms: round(percentile(httpTimes, 50)),
      gatewayProofP99Ms: round(percentile(httpTimes, 99)),
      machine: machine(),
    };
    process.stdout.write(`${JSON.stringify(result, null, JSON_OUT ? undefined : 2)}\n`);
  } finally {
    await sys.stop();
  }
}

const round = (x: number) => Math.round(x * 100) / 100;

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
