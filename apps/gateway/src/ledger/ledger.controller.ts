import { Controller, Get, Param } from '@nestjs/common';
import { EntryGet } from '@ampool/contracts';
import { RpcClient } from '@ampool/messaging';
import { parseWith } from '../http/parse';

@Controller('v1/ledger')
export class LedgerController {
  constructor(private readonly rpc: RpcClient) {}

  @Get('entries/:type/:subjectId')
  async entry(@Param() params: unknown) {
    const input = parseWith(EntryGet.request, params);
    return EntryGet.response.encode(await this.rpc.request(EntryGet, input));
  }
}
