import { Controller } from '@nestjs/common';
import { BatteryStateGet, type RpcRequest, type RpcResponse } from '@ampool/contracts';
import { RpcHandler } from '@ampool/messaging';
import { BatteryStateRepository } from './battery-state.repository';

@Controller()
export class BatteryStateController {
  constructor(private readonly batteries: BatteryStateRepository) {}

  @RpcHandler(BatteryStateGet)
  async get(input: RpcRequest<typeof BatteryStateGet>): Promise<RpcResponse<typeof BatteryStateGet>> {
    const latest = await this.batteries.latest(input.devices);
    return {
      states: input.devices.map((device) => {
        const s = latest.get(device);
        return { device, socWh: s?.socWh ?? null, at: s?.at ?? null };
      }),
    };
  }
}
