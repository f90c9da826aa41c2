import { Controller } from '@nestjs/common';
import { AnomalyList, IntervalList, type RpcRequest, type RpcResponse } from '@ampool/contracts';
import { RpcHandler } from '@ampool/messaging';
import { AnomaliesRepository } from './anomalies.repository';
import { IntervalsRepository } from './intervals.repository';

@Controller()
export class IntervalsController {
  constructor(
    private readonly intervals: IntervalsRepository,
    private readonly anomalies: AnomaliesRepository,
  ) {}

  @RpcHandler(IntervalList)
  async list(input: RpcRequest<typeof IntervalList>): Promise<RpcResponse<typeof IntervalList>> {
    return { intervals: await this.intervals.list(input.device, input.from, input.limit) };
  }

  @RpcHandler(AnomalyList)
  async anomalyList(input: RpcRequest<typeof AnomalyList>): Promise<RpcResponse<typeof AnomalyList>> {
    const rows = await this.anomalies.list(input.device, input.limit);
    return {
      anomalies: rows.map((r) => ({ id: r.id, device: r.device, code: r.code as never, from: r.fromAt, to: r.toAt, details: r.details, raisedAt: r.raisedAt })),
    };
  }
}
