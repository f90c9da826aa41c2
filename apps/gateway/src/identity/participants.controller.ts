import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ParticipantGet, ParticipantRegister } from '@ampool/contracts';
import { ContractProxy } from '../http/contract-proxy';

@Controller('v1/participants')
export class ParticipantsController {
  constructor(private readonly proxy: ContractProxy) {}

  @Post()
  @HttpCode(201)
  register(@Body() body: unknown) {
    return this.proxy.forward(ParticipantRegister, body);
  }

  @Get(':did')
  get(@Param() params: unknown) {
    return this.proxy.forward(ParticipantGet, params);
  }
}
