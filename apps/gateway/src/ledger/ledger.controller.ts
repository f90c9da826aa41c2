import { Controller, Get, Param, Query } from '@nestjs/common';
import { BlockGet, ConsistencyProof, EntryGet, EntryProof, LedgerStatus } from '@ampool/contracts';
import { Access } from '../auth/auth.decorators';
import { ContractProxy } from '../http/contract-proxy';

/**
 * The ledger holds no personal data (did:keys, hashes and commitments): any member may read
 * it, and every answer carries what is needed to check it with the validators' keys alone.
 */
@Controller('v1/ledger')
export class LedgerController {
  constructor(private readonly proxy: ContractProxy) {}

  @Get('entries/:type/:subjectId')
  @Access('participant', 'device', 'operator')
  entry(@Param() params: unknown) {
    return this.proxy.forward(EntryGet, params);
  }

  /** An entry with its RFC 9162 inclusion proof and the latest signed tree head. */
  @Get('log/entries/:entryId/proof')
  @Access('participant', 'device', 'operator')
  proof(@Param() params: unknown) {
    return this.proxy.forward(EntryProof, params);
  }

  /** A consistency proof between two log sizes (`?size1=&size2=`). */
  @Get('log/consistency')
  @Access('participant', 'device', 'operator')
  consistency(@Query() query: Record<string, string>) {
    return this.proxy.forward(ConsistencyProof, query);
  }

  /** A block's header, the signatures that made it final, and its entry ids. */
  @Get('blocks/:height')
  @Access('participant', 'device', 'operator')
  block(@Param() params: unknown) {
    return this.proxy.forward(BlockGet, params);
  }

  /** The answering validator's status. */
  @Get('status')
  @Access('participant', 'device', 'operator')
  status() {
    return this.proxy.forward(LedgerStatus, {});
  }
}
