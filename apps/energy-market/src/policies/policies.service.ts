import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { AppError, BatteryStateGet, DeviceGet, ErrorCode, PolicySet, standingPolicy, type OrderRequest, type PolicyView, type RpcRequest, type StandingPolicy } from '@ampool/contracts';
import { canonicalJson, sha256Hex } from '@ampool/crypto';
import { Clock } from '@ampool/domain';
import { RpcClient } from '@ampool/messaging';
import { PrismaClient } from '@ampool/persistence';
import { AreasService } from '../areas/areas.service';
import { derivedUuidV7 } from '../engine/market-state';
import { AreaLeases } from '../leases/area-leases.service';
import { OrdersService } from '../orders/orders.service';

export const POLICY_EVAL_MS = Symbol('POLICY_EVAL_MS');
/** Most policies one participant may keep, and most evaluated per round. */
const MAX_PER_PARTICIPANT = 100;
const MAX_PER_ROUND = 10_000;

type Row = Awaited<ReturnType<PrismaClient['energyStandingPolicy']['findFirstOrThrow']>>;

function toView(r: Row): PolicyView {
  return { id: r.id, participant: r.participant, policy: standingPolicy.decode(JSON.parse(r.spec)), active: r.active, createdAt: r.createdAt };
}

/**
 * Standing policies: each active policy is evaluated for the next interval still open in its
 * zone's area and becomes an ordinary order (the same participant, device, band and funds
 * checks as any order). The order id is derived from the policy and the interval, so each
 * interval gets at most one order per policy however often (and on however many restarts) it
 * is evaluated. Each instance evaluates the policies of the areas it writes.
 */
@Injectable()
export class PoliciesService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(PoliciesService.name);
  private timer?: NodeJS.Timeout;
  private running = false;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly areas: AreasService,
    private readonly orders: OrdersService,
    private readonly leases: AreaLeases,
    private readonly rpc: RpcClient,
    private readonly clock: Clock,
    @Inject(POLICY_EVAL_MS) private readonly evalMs: number,
  ) {}

  onApplicationBootstrap(): void {
    // A round that cannot read the policies (the database restarting) waits for the next one;
    // left unhandled, the rejection would end the whole market process.
    this.timer = setInterval(() => void this.evaluate().catch((error: Error) => this.logger.warn(`policy round skipped: ${error.message}`)), this.evalMs);
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async set(input: RpcRequest<typeof PolicySet>): Promise<PolicyView> {
    const spec = JSON.stringify(standingPolicy.encode(input.policy));
    const hash = sha256Hex(canonicalJson({ participant: input.participant, spec }));
    const existing = await this.prisma.energyStandingPolicy.findUnique({ where: { id: input.id } });
    if (existing) {
      if (existing.requestHash !== hash) throw new AppError(ErrorCode.ID_CONFLICT, `policy ${input.id} exists with a different body`);
      return toView(existing);
    }
    await this.areas.areaOf(input.policy.zone);
    if (input.policy.kind === 'sell-surplus') await this.ownDevice(input.participant, input.policy.device);
    const count = await this.prisma.energyStandingPolicy.count({ where: { participant: input.participant, active: true } });
    if (count >= MAX_PER_PARTICIPANT) throw new AppError(ErrorCode.OUT_OF_RANGE, `at most ${MAX_PER_PARTICIPANT} active policies per participant`);
    await this.prisma.energyStandingPolicy.createMany({
      data: [{ id: input.id, participant: input.participant, kind: input.policy.kind, spec, requestHash: hash, createdAt: new Date(this.clock.now()) }],
      skipDuplicates: true,
    });
    return this.set(input);
  }

  async list(participant: string): Promise<PolicyView[]> {
    return (await this.prisma.energyStandingPolicy.findMany({ where: { participant }, orderBy: { id: 'asc' }, take: MAX_PER_PARTICIPANT * 2 })).map(toView);
  }

  async stop(id: string, participant: string): Promise<PolicyView> {
    const row = await this.prisma.energyStandingPolicy.findUnique({ where: { id } });
    if (!row || row.participant !== participant) throw new AppError(ErrorCode.NOT_FOUND, `no policy ${id}`);
    return toView(await this.prisma.energyStandingPolicy.update({ where: { id }, data: { active: false } }));
  }

  /** One round: an order per active policy for the next open interval of its area. */
  async evaluate(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const rows = await this.prisma.energyStandingPolicy.findMany({ where: { active: true }, orderBy: { id: 'asc' }, take: MAX_PER_ROUND });
      for (const row of rows) {
        try {
          const view = toView(row);
          // Each area's policies are evaluated by the instance that writes the area.
          if (!this.leases.holds((await this.areas.areaOf(view.policy.zone)).id)) continue;
          const order = await this.orderFor(view);
          if (order) await this.orders.submitMany(row.participant, [order]);
        } catch (error) {
          this.logger.warn(`policy ${row.id}: ${(error as Error).message}`);
        }
      }
    } finally {
      this.running = false;
    }
  }

  /** The order a policy places for the next interval still open, or null. */
  async orderFor(p: PolicyView): Promise<OrderRequest | null> {
    const area = await this.areas.areaOf(p.policy.zone);
    const now = this.clock.now();
    const lengthMs = area.intervalMinutes * 60_000;
    let start = Math.ceil(now / lengthMs) * lengthMs;
    while (this.areas.times(area, start).gateClosureAtMs <= now) start += lengthMs;
    if (this.areas.times(area, start).opensAtMs > now) return null;
    const id = derivedUuidV7(`policy:${p.id}|${start}`, start);
    const base = { id, zone: p.policy.zone, intervalStart: new Date(start), timeInForce: 'GTC' as const };
    const policy: StandingPolicy = p.policy;
    if (policy.kind === 'buy-below') return { ...base, side: 'buy', quantityWh: policy.quantityWh, limitPriceMicroPerKwh: policy.maxPriceMicroPerKwh };
    const device = await this.ownDevice(p.participant, policy.device);
    // The charge the battery last reported (a battery that never reported is taken as full).
    const { states } = await this.rpc.request(BatteryStateGet, { devices: [policy.device] });
    const charge = states[0]?.socWh ?? device.capacityWh;
    const keep = (device.capacityWh * BigInt(policy.abovePercent)) / 100n;
    let quantity = charge - (keep > device.reserveWh ? keep : device.reserveWh);
    const deliverable = (device.powerW * BigInt(area.intervalMinutes)) / 60n;
    if (deliverable < quantity) quantity = deliverable;
    if (quantity <= 0n) return null;
    return { ...base, side: 'sell', quantityWh: quantity, limitPriceMicroPerKwh: policy.minPriceMicroPerKwh, device: policy.device };
  }

  private async ownDevice(participant: string, did: string) {
    try {
      const { device } = await this.rpc.request(DeviceGet, { did });
      if (device.owner === participant && device.status === 'active' && device.type === 'battery') return device;
    } catch (error) {
      if (!(error instanceof AppError && error.code === ErrorCode.NOT_FOUND)) throw error;
    }
    throw new AppError(ErrorCode.DEVICE_NOT_OWNED, `device ${did} is not an active battery of ${participant}`);
  }
}
