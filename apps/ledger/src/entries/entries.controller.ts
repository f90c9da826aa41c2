import { Controller } from '@nestjs/common';
import { AppError, EntryGet, ErrorCode, type RpcRequest, type RpcResponse } from '@ampool/contracts';
import { RpcHandler } from '@ampool/messaging';
import { EntriesRepository } from './entries.repository';

@Controller()
export class EntriesController {
  constructor(private readonly entries: EntriesRepository) {}

  @RpcHandler(EntryGet)
  async get(input: RpcRequest<typeof EntryGet>): Promise<RpcResponse<typeof EntryGet>> {
    const entry = await this.entries.findBySubject(input.type, input.subjectId);
    if (!entry) throw new AppError(ErrorCode.NOT_FOUND, `no ${input.type} entry for ${input.subjectId}`);
    return { entry };
  }
}
