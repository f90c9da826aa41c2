import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import {
  AppError,
  areaForward,
  energyAreaSubject,
  ErrorCode,
  toErrorBody,
  validationError,
  type RpcContract,
  type RpcRequest,
  type RpcResponse,
} from '@ampool/contracts';
import { isNoResponders, NATS_CONNECTION, RpcClient, type NestReplyPacket, type NestRequestPacket } from '@ampool/messaging';
import { AreaLeases, type AreaListener } from './area-leases.service';

interface Served {
  contract: RpcContract;
  areaOf: (input: unknown) => Promise<string | null>;
  run: (input: unknown) => Promise<unknown>;
}

/**
 * Sends each request whose outcome depends on an area's markets in memory to the one
 * instance that writes that area. A request for an area this instance writes runs here; one
 * for another instance's area is passed on over `energyAreaSubject(area)`, where only the
 * writer listens; and when nobody listens there (no writer: the last one stopped) this
 * instance tries to take the area's lease and runs the request itself. A request that finds
 * the area between writers is refused with UPSTREAM_UNAVAILABLE: every write carries the
 * client's id, so the retry is safe.
 */
@Injectable()
export class AreaRouter implements AreaListener {
  private readonly logger = new Logger(AreaRouter.name);
  private readonly served = new Map<string, Served>();
  private readonly subscriptions = new Map<string, Subscription>();

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    private readonly leases: AreaLeases,
    private readonly rpc: RpcClient,
  ) {
    leases.setListener(this);
  }

  /**
   * Declares how this instance runs an RPC for an area it writes (also for requests passed on
   * to it) and returns the handler to call for every request: it finds the request's area
   * (null: none — the request is run here and refused by the rules) and routes it.
   */
  route<C extends RpcContract>(
    contract: C,
    areaOf: (input: RpcRequest<C>) => Promise<string | null>,
    run: (input: RpcRequest<C>) => Promise<RpcResponse<C>>,
  ): (input: RpcRequest<C>) => Promise<RpcResponse<C>> {
    this.served.set(contract.subject, { contract, areaOf: areaOf as Served['areaOf'], run: run as Served['run'] });
    return async (input) => {
      const area = await areaOf(input);
      return area === null ? run(input) : this.toWriter(area, contract, input, run);
    };
  }

  /** Runs a request for an area at its writer: here, at the writer, or here after taking the area. */
  async toWriter<C extends RpcContract>(area: string, contract: C, input: RpcRequest<C>, run: (input: RpcRequest<C>) => Promise<RpcResponse<C>>): Promise<RpcResponse<C>> {
    if (await this.leases.writes(area)) return run(input);
    try {
      return await this.rpc.forward(energyAreaSubject(area), contract, input);
    } catch (error) {
      if (!isNoResponders(error)) throw error;
    }
    if (await this.leases.take(area)) return run(input);
    throw new AppError(ErrorCode.UPSTREAM_UNAVAILABLE, `area ${area} is between writers (its last one stopped); retry with the same id`);
  }

  listen(area: string): void {
    if (this.subscriptions.has(area)) return;
    // A queue group: should two instances briefly both believe they write the area, one answers.
    const sub = this.nc.subscribe(energyAreaSubject(area), { queue: 'energy', callback: (err, msg) => void (err ? undefined : this.answer(area, msg)) });
    this.subscriptions.set(area, sub);
  }

  unlisten(area: string): void {
    this.subscriptions.get(area)?.unsubscribe();
    this.subscriptions.delete(area);
  }

  /** Runs a request passed on by another instance, and replies in the RPC transport's format. */
  private async answer(area: string, msg: Msg): Promise<void> {
    let id: string | undefined;
    let reply: NestReplyPacket;
    try {
      const packet = msg.json<NestRequestPacket>();
      id = packet.id;
      const forwarded = areaForward.safeParse(packet.data);
      if (!forwarded.success) throw validationError(forwarded.error);
      const served = this.served.get(forwarded.data.subject);
      if (!served) throw new AppError(ErrorCode.NOT_FOUND, `${forwarded.data.subject} is not routed by area`);
      const input = served.contract.request.safeParse(forwarded.data.request);
      if (!input.success) throw validationError(input.error);
      if ((await served.areaOf(input.data)) !== area) throw new AppError(ErrorCode.VALIDATION_FAILED, `the request is not for area ${area}`);
      if (!(await this.leases.writes(area))) throw new AppError(ErrorCode.UPSTREAM_UNAVAILABLE, `area ${area} is moving to another instance; retry with the same id`);
      reply = { id, response: served.contract.response.encode(await served.run(input.data)), isDisposed: true };
    } catch (error) {
      if (!(error instanceof AppError)) this.logger.error(`request passed on for area ${area} failed`, (error as Error)?.stack ?? String(error));
      reply = { id, err: toErrorBody(error), isDisposed: true };
    }
    if (msg.reply) msg.respond(JSON.stringify(reply));
  }
}
