import { Injectable } from '@nestjs/common';
import type { RpcContract, RpcRequest, RpcResponse } from '@ampool/contracts';
import { RpcClient } from '@ampool/messaging';
import { parseWith } from './parse';

/**
 * Forwards HTTP requests to the service that owns a contract: validates with the contract's
 * request schema, asks over NATS, and returns replies in their wire form (decimal strings for
 * 64-bit integers). Routes that must look at a resource before answering use `ask`.
 */
@Injectable()
export class ContractProxy {
  constructor(private readonly rpc: RpcClient) {}

  /** Validates `raw` against the contract's request schema (VALIDATION_FAILED otherwise). */
  parse<C extends RpcContract>(contract: C, raw: unknown): RpcRequest<C> {
    return parseWith(contract.request, raw) as RpcRequest<C>;
  }

  /** Asks the owning service; the decoded reply. */
  ask<C extends RpcContract>(contract: C, input: RpcRequest<C>): Promise<RpcResponse<C>> {
    return this.rpc.request(contract, input);
  }

  /** Asks the owning service; the reply checked against the contract, in wire form, ready to send. */
  askWire<C extends RpcContract>(contract: C, input: RpcRequest<C>): Promise<unknown> {
    return this.rpc.requestWire(contract, input);
  }

  /** The reply in wire form, ready to send. */
  encode<C extends RpcContract>(contract: C, reply: RpcResponse<C>): unknown {
    return contract.response.encode(reply);
  }

  /** parse → ask → encode. */
  async forward<C extends RpcContract>(contract: C, raw: unknown): Promise<unknown> {
    return this.encode(contract, await this.ask(contract, this.parse(contract, raw)));
  }
}
