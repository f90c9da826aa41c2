import { Body, Controller, Get, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { OperatorLogin, SessionEnd } from '@ampool/contracts';
import { Access, Caller } from '../auth/auth.decorators';
import { SESSION_COOKIE } from '../auth/auth.guard';
import type { Principal } from '../auth/principal';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { ContractProxy } from '../http/contract-proxy';

/** Operators in a browser: password login into an HttpOnly, SameSite=Strict session cookie. */
@Controller('v1/operator')
export class OperatorController {
  constructor(
    private readonly proxy: ContractProxy,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  @Post('login')
  @HttpCode(200)
  @Access('public')
  async login(@Body() body: unknown, @Res({ passthrough: true }) res: Response) {
    const reply = await this.proxy.ask(OperatorLogin, this.proxy.parse(OperatorLogin, body));
    const maxAge = Math.max(0, Math.floor((reply.expiresAt.getTime() - Date.now()) / 1000));
    res.setHeader('Set-Cookie', this.cookie(reply.token, maxAge));
    return { operator: { id: reply.operator.id, email: reply.operator.email }, expiresAt: reply.expiresAt.toISOString() };
  }

  @Post('logout')
  @HttpCode(200)
  @Access('operator')
  async logout(@Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const token = /(?:^|;\s*)ampool_session=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
    const ended = token ? (await this.proxy.ask(SessionEnd, this.proxy.parse(SessionEnd, { token }))).ended : false;
    res.setHeader('Set-Cookie', this.cookie('', 0));
    return { ended };
  }

  @Get('me')
  @Access('operator')
  me(@Caller() caller: Principal) {
    return caller.kind === 'operator' ? { id: caller.operatorId, email: caller.email } : { did: (caller as { did: string }).did };
  }

  private cookie(value: string, maxAgeSeconds: number): string {
    return [`${SESSION_COOKIE}=${value}`, 'Path=/', 'HttpOnly', 'SameSite=Strict', `Max-Age=${maxAgeSeconds}`, ...(this.config.COOKIE_SECURE ? ['Secure'] : [])].join('; ');
  }
}
