import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { AppError, ErrorCode, isErrorBody, validationError, type RpcContract, type RpcRequest, type RpcResponse } from '@ampool/contracts';
import { NATS_CONNECTION } from '../nats-connection';
import type { NestReplyPacket, NestRequestPacket } from './nest-packet';

export const RPC_DEFAULT_TIMEOUT_MS = Symbol('RPC_DEFAULT_TIMEOUT_MS');

export interface RequestOptions {
  /** Overrides the service's default; every request has one. */
  timeoutMs?: number;
}

/**
 * Typed request/reply over NATS. Encodes the request with the contract (bigint → decimal
 * string), always applies a timeout, and decodes the reply with the contract. Failures
 * arrive as AppError: the callee's own code, or UPSTREAM_TIMEOUT / UPSTREAM_UNAVAILABLE.
 */
@Injectable()
export class RpcClient {
  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(RPC_DEFAULT_TIMEOUT_MS) private readonly defaultTimeoutMs: number,
  ) {}

  async request<C extends RpcContract>(contract: C, input: RpcRequest<C>, options: RequestOptions = {}): Promise<RpcResponse<C>> {
    return (await this.exchange(contract, input, options)).decoded;
  }

  /**
   * Like `request`, but answers the reply in its wire form (decimal strings, ISO instants) for
   * a caller that only passes it on, such as the gateway. The reply is still decoded with the
   * contract and refused when it does not fit; what comes back is the callee's own encoding of
   * it. Contract objects are strict, so a reply that decodes has no field the contract does
   * not name, and re-encoding the decoded value (a second walk over every offer of a search)
   * would only reproduce the callee's encoding.
   */
  async requestWire<C extends RpcContract>(contract: C, input: RpcRequest<C>, options: RequestOptions = {}): Promise<unknown> {
    return (await this.exchange(contract, input, options)).wire;
  }

  /**
   * Sends a contract's request to another subject, as `{ subject, request }` with the request
   * in its wire form, and decodes the reply with the contract: for a service instance that
   * passes a request on to the one instance able to answer it (an area's writer).
   */
  async forward<C extends RpcContract>(subject: string, contract: C, input: RpcRequest<C>, options: RequestOptions = {}): Promise<RpcResponse<C>> {
    return (await this.exchange(contract, input, options, subject)).decoded;
  }

  private async exchange<C extends RpcContract>(contract: C, input: RpcRequest<C>, options: RequestOptions, via?: string): Promise<{ decoded: RpcResponse<C>; wire: unknown }> {
    const timeoutMs = options.timeoutMs ?? this.defaultTimeoutMs;
    // Input that does not fit the contract is refused here, before anything is sent.
    const encoded = contract.request.safeEncode(input);
    if (!encoded.success) throw validationError(encoded.error);
    const subject = via ?? contract.subject;
    const data = via === undefined ? encoded.data : { subject: contract.subject, request: encoded.data };
    const packet: NestRequestPacket = { pattern: subject, data, id: randomUUID() };
    let reply: NestReplyPacket;
    try {
      const msg = await this.nc.request(subject, JSON.stringify(packet), { timeout: timeoutMs });
      reply = msg.json<NestReplyPacket>();
    } catch (error) {
      throw transportError(subject, error, timeoutMs);
    }
    if (reply.err !== undefined && reply.err !== null) {
      if (isErrorBody(reply.err)) throw new AppError(reply.err.code, reply.err.message, reply.err.details);
      throw new AppError(ErrorCode.INTERNAL, `${contract.subject} failed`);
    }
    const decoded = contract.response.safeParse(reply.response);
    if (!decoded.success) {
      throw new AppError(ErrorCode.INTERNAL, `${contract.subject} answered outside its contract`);
    }
    return { decoded: decoded.data as RpcResponse<C>, wire: reply.response };
  }
}

/** Whether a request failed because nothing subscribes to its subject (nothing was delivered). */
export function isNoResponders(error: unknown): boolean {
  return error instanceof AppError && error.code === ErrorCode.UPSTREAM_UNAVAILABLE && (error.details as { noResponders?: boolean } | undefined)?.noResponders === true;
}

function transportError(subject: string, error: unknown, timeoutMs: number): AppError {
  const name = (error as Error)?.name ?? '';
  const message = String((error as Error)?.message ?? error);
  if (name === 'NoRespondersError' || /no responders/i.test(message)) {
    return new AppError(ErrorCode.UPSTREAM_UNAVAILABLE, `no service answers ${subject}`, { noResponders: true });
  }
  if (name === 'TimeoutError' || /timeout/i.test(message)) {
    return new AppError(ErrorCode.UPSTREAM_TIMEOUT, `${subject} did not answer within ${timeoutMs} ms`);
  }
  return new AppError(ErrorCode.UPSTREAM_UNAVAILABLE, `${subject}: ${message}`);
}
