import { Controller } from '@nestjs/common';
import { DeviceGet, DeviceList, DeviceRegister, type RpcRequest, type RpcResponse } from '@ampool/contracts';
import { RpcHandler } from '@ampool/messaging';
import { DevicesService } from './devices.service';

@Controller()
export class DevicesController {
  constructor(private readonly devices: DevicesService) {}

  @RpcHandler(DeviceRegister)
  async register(input: RpcRequest<typeof DeviceRegister>): Promise<RpcResponse<typeof DeviceRegister>> {
    return { device: await this.devices.register(input) };
  }

  @RpcHandler(DeviceGet)
  async get(input: RpcRequest<typeof DeviceGet>): Promise<RpcResponse<typeof DeviceGet>> {
    return { device: await this.devices.get(input.did) };
  }

  @RpcHandler(DeviceList)
  async list(input: RpcRequest<typeof DeviceList>): Promise<RpcResponse<typeof DeviceList>> {
    return { devices: await this.devices.list(input.owner) };
  }
}
