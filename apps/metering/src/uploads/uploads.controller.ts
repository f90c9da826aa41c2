import { Controller } from '@nestjs/common';
import { ReadingsSubmit, TelegramSubmit, type RpcRequest, type RpcResponse } from '@ampool/contracts';
import { RpcHandler } from '@ampool/messaging';
import { UploadsService } from './uploads.service';

@Controller()
export class UploadsController {
  constructor(private readonly uploads: UploadsService) {}

  @RpcHandler(ReadingsSubmit)
  submitReadings(input: RpcRequest<typeof ReadingsSubmit>): Promise<RpcResponse<typeof ReadingsSubmit>> {
    return this.uploads.submitReadings(input);
  }

  @RpcHandler(TelegramSubmit)
  submitTelegram(input: RpcRequest<typeof TelegramSubmit>): Promise<RpcResponse<typeof TelegramSubmit>> {
    return this.uploads.submitTelegram(input);
  }
}
