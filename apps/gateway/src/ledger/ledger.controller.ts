import { Controller, Get, Param } from '@nestjs/common';
import { EntryGet } from '@ampool/contracts';
import { ContractProxy } from '../http/contract-proxy';

@Controller('v1/ledger')
export class LedgerController {
  constructor(private readonly proxy: ContractProxy) {}

  @Get('entries/:type/:subjectId')
  entry(@Param() params: unknown) {
    return this.proxy.forward(EntryGet, params);
  }
}
