import { Controller } from '@nestjs/common';
import { AreaConfigure, AreaList, type RpcRequest, type RpcResponse } from '@ampool/contracts';
import { RpcHandler } from '@ampool/messaging';
import { AreasService } from './areas.service';

@Controller()
export class AreasController {
  constructor(private readonly areas: AreasService) {}

  @RpcHandler(AreaConfigure)
  async configure(input: RpcRequest<typeof AreaConfigure>): Promise<RpcResponse<typeof AreaConfigure>> {
    return { area: await this.areas.configure(input.area, input.actor) };
  }

  @RpcHandler(AreaList)
  async list(): Promise<RpcResponse<typeof AreaList>> {
    return { areas: await this.areas.all() };
  }
}
