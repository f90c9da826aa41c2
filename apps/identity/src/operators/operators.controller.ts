import { Controller } from '@nestjs/common';
import { OperatorLogin, SessionEnd, SessionResolve, type RpcRequest, type RpcResponse } from '@ampool/contracts';
import { RpcHandler } from '@ampool/messaging';
import { OperatorsService } from './operators.service';

@Controller()
export class OperatorsController {
  constructor(private readonly operators: OperatorsService) {}

  @RpcHandler(OperatorLogin)
  login(input: RpcRequest<typeof OperatorLogin>): Promise<RpcResponse<typeof OperatorLogin>> {
    return this.operators.login(input.email, input.password);
  }

  @RpcHandler(SessionResolve)
  resolve(input: RpcRequest<typeof SessionResolve>): Promise<RpcResponse<typeof SessionResolve>> {
    return this.operators.resolveSession(input.token);
  }

  @RpcHandler(SessionEnd)
  async end(input: RpcRequest<typeof SessionEnd>): Promise<RpcResponse<typeof SessionEnd>> {
    return { ended: await this.operators.endSession(input.token) };
  }
}
