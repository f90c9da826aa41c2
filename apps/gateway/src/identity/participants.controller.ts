import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ParticipantGet, ParticipantRegister } from '@ampool/contracts';
import { RpcClient } from '@ampool/messaging';
import { parseWith } from '../http/parse';

@Controller('v1/participants')
export class ParticipantsController {
  constructor(private readonly rpc: RpcClient) {}

  @Post()
  @HttpCode(201)
  async register(@Body() body: unknown) {
    const input = parseWith(ParticipantRegister.request, body);
    return ParticipantRegister.response.encode(await this.rpc.request(ParticipantRegister, input));
  }

  @Get(':did')
  async get(@Param() params: unknown) {
    const input = parseWith(ParticipantGet.request, params);
    return ParticipantGet.response.encode(await this.rpc.request(ParticipantGet, input));
  }
}
