import { Controller } from '@nestjs/common';
import { KeyResolve, KeyRevoke, KeyRotate, type RpcRequest, type RpcResponse } from '@ampool/contracts';
import { RpcHandler } from '@ampool/messaging';
import { KeysService } from './keys.service';

@Controller()
export class KeysController {
  constructor(private readonly keys: KeysService) {}

  @RpcHandler(KeyResolve)
  resolve(input: RpcRequest<typeof KeyResolve>): Promise<RpcResponse<typeof KeyResolve>> {
    return this.keys.resolve(input.key);
  }

  @RpcHandler(KeyRotate)
  async rotate(input: RpcRequest<typeof KeyRotate>): Promise<RpcResponse<typeof KeyRotate>> {
    return { key: await this.keys.rotate(input) };
  }

  @RpcHandler(KeyRevoke)
  async revoke(input: RpcRequest<typeof KeyRevoke>): Promise<RpcResponse<typeof KeyRevoke>> {
    return { key: input.key, status: await this.keys.revoke(input) };
  }
}
