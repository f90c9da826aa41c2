import { Injectable } from '@nestjs/common';
import type { RpcContract, RpcRequest } from '@ampool/contracts';
import { RpcClient } from '@ampool/messaging';
import { parseWith } from './parse';

/**
 * Forwards an HTTP request to the service that owns a contract: validates the body or path
 * parameters with the contract's request schema, asks over NATS, and returns the reply in
 * its wire form (decimal strings for 64-bit integers).
 */
@Injectable()
export class ContractProxy {
  constructor(private readonly rpc: RpcClient) {}

  async forward<C extends RpcContract>(contract: C, raw: unknown): Promise<unknown> {
    const input = parseWith(contract.request, raw) as RpcRequest<C>;
    return contract.response.encode(await this.rpc.request(contract, input));
  }
}
