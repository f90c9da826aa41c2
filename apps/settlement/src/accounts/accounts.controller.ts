import { Controller } from '@nestjs/common';
import { AccountGet, AppError, ErrorCode, type RpcRequest, type RpcResponse } from '@ampool/contracts';
import { RpcHandler } from '@ampool/messaging';
import { AccountsRepository, toAccountView } from './accounts.repository';

@Controller()
export class AccountsController {
  constructor(private readonly accounts: AccountsRepository) {}

  @RpcHandler(AccountGet)
  async get(input: RpcRequest<typeof AccountGet>): Promise<RpcResponse<typeof AccountGet>> {
    const account = await this.accounts.findByOwner(input.owner);
    if (!account) throw new AppError(ErrorCode.ACCOUNT_UNKNOWN, `no account for ${input.owner}`);
    return { account: toAccountView(account) };
  }
}
