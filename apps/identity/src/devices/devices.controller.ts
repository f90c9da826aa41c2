import { Controller } from '@nestjs/common';
import { DeviceGet, DeviceList, DeviceRegister, DeviceReinstate, DeviceSuspend, type RpcRequest, type RpcResponse } from '@ampool/contracts';
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
    const devices = await this.devices.list(input);
    return { devices, next: devices.length === input.limit ? devices[devices.length - 1]!.did : null };
  }

  @RpcHandler(DeviceSuspend)
  async suspend(input: RpcRequest<typeof DeviceSuspend>): Promise<RpcResponse<typeof DeviceSuspend>> {
    return { device: await this.devices.transition('suspend', input) };
  }

  @RpcHandler(DeviceReinstate)
  async reinstate(input: RpcRequest<typeof DeviceReinstate>): Promise<RpcResponse<typeof DeviceReinstate>> {
    return { device: await this.devices.transition('reinstate', input) };
  }
}
