import { Controller, Get, Param } from '@nestjs/common';
import { EntryGet } from '@ampool/contracts';
import { Access } from '../auth/auth.decorators';
import { ContractProxy } from '../http/contract-proxy';

@Controller('v1/ledger')
export class LedgerController {
  constructor(private readonly proxy: ContractProxy) {}

  /** Entries carry no personal data (did:keys and hashes): any member may read them. */
  @Get('entries/:type/:subjectId')
  @Access('participant', 'device', 'operator')
  entry(@Param() params: unknown) {
    return this.proxy.forward(EntryGet, params);
  }
}
