import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  AppError,
  ChallengeCreate,
  ErrorCode,
  DeviceGet,
  DeviceList,
  DeviceRegister,
  DeviceReinstate,
  DeviceSuspend,
  KeyRevoke,
  KeyRotate,
  ParticipantApprove,
  ParticipantGet,
  ParticipantList,
  ParticipantRegister,
  ParticipantReinstate,
  ParticipantRevoke,
  ParticipantSuspend,
  text,
} from '@ampool/contracts';
import { z } from 'zod';
import { Access, Caller } from '../auth/auth.decorators';
import { requireSelf, requireSelfOrOperator } from '../auth/ownership';
import { actorOf, type Principal } from '../auth/principal';
import { ContractProxy } from '../http/contract-proxy';
import { parseWith } from '../http/parse';

/** The body of an operator action on a participant or key: an optional reason, nothing else. */
const REASON_BODY = z.strictObject({ reason: text(500).default('') });

const TRANSITIONS = { approve: ParticipantApprove, suspend: ParticipantSuspend, reinstate: ParticipantReinstate, revoke: ParticipantRevoke } as const;
const DEVICE_TRANSITIONS = { suspend: DeviceSuspend, reinstate: DeviceReinstate } as const;

/** Participants, devices and keys. */
@Controller('v1')
export class ParticipantsController {
  constructor(private readonly proxy: ContractProxy) {}

  /** Step one of registration: a challenge for the new key to sign. */
  @Post('identity/challenges')
  @HttpCode(201)
  @Access('public')
  challenge(@Body() body: unknown) {
    return this.proxy.forward(ChallengeCreate, body);
  }

  /** Step two: the key's signature over the challenge and what it registers as. */
  @Post('participants')
  @HttpCode(201)
  @Access('public')
  register(@Body() body: unknown) {
    return this.proxy.forward(ParticipantRegister, body);
  }

  @Get('participants')
  @Access('operator')
  list(@Query() query: Record<string, string>) {
    return this.proxy.forward(ParticipantList, { ...query, limit: query.limit === undefined ? undefined : Number(query.limit) });
  }

  @Get('participants/:did')
  @Access('participant', 'operator')
  get(@Param() params: unknown, @Caller() caller: Principal) {
    const input = this.proxy.parse(ParticipantGet, params);
    requireSelfOrOperator(caller, input.did);
    return this.proxy.ask(ParticipantGet, input).then((r) => this.proxy.encode(ParticipantGet, r));
  }

  /** approve | suspend | reinstate | revoke, by an operator, with an optional reason. */
  @Post('participants/:did/:action')
  @HttpCode(200)
  @Access('operator')
  transition(@Param('did') did: string, @Param('action') action: string, @Body() body: Record<string, unknown> | undefined, @Caller() caller: Principal) {
    if (!Object.hasOwn(TRANSITIONS, action)) throw new AppError(ErrorCode.NOT_FOUND, 'no such route');
    const contract = TRANSITIONS[action as keyof typeof TRANSITIONS];
    // The body may carry a reason and nothing else: the actor is the caller, never the body.
    const { reason } = parseWith(REASON_BODY, body ?? {});
    return this.proxy.forward(contract, { reason, did, actor: actorOf(caller) });
  }

  @Get('participants/:did/devices')
  @Access('participant', 'operator')
  devices(@Param('did') did: string, @Caller() caller: Principal) {
    const input = this.proxy.parse(DeviceList, { owner: did });
    requireSelfOrOperator(caller, did);
    return this.proxy.ask(DeviceList, input).then((r) => this.proxy.encode(DeviceList, r));
  }

  /** The owner binds a device; the body carries both signatures over the binding. */
  @Post('devices')
  @HttpCode(201)
  @Access('participant')
  async registerDevice(@Body() body: unknown, @Caller() caller: Principal) {
    const input = this.proxy.parse(DeviceRegister, body);
    requireSelf(caller, input.owner, 'owner');
    return this.proxy.encode(DeviceRegister, await this.proxy.ask(DeviceRegister, input));
  }

  /** Every device, a page at a time, optionally one owner's or one status. */
  @Get('devices')
  @Access('operator')
  listDevices(@Query() query: Record<string, string>) {
    return this.proxy.forward(DeviceList, { ...query, limit: query.limit === undefined ? undefined : Number(query.limit) });
  }

  /** suspend | reinstate a device, by an operator, with an optional reason. */
  @Post('devices/:did/:action')
  @HttpCode(200)
  @Access('operator')
  deviceTransition(@Param('did') did: string, @Param('action') action: string, @Body() body: Record<string, unknown> | undefined, @Caller() caller: Principal) {
    if (!Object.hasOwn(DEVICE_TRANSITIONS, action)) throw new AppError(ErrorCode.NOT_FOUND, 'no such route');
    const contract = DEVICE_TRANSITIONS[action as keyof typeof DEVICE_TRANSITIONS];
    const { reason } = parseWith(REASON_BODY, body ?? {});
    return this.proxy.forward(contract, { reason, did, actor: actorOf(caller) });
  }

  @Get('devices/:did')
  @Access('participant', 'device', 'operator')
  async device(@Param() params: unknown, @Caller() caller: Principal) {
    const reply = await this.proxy.ask(DeviceGet, this.proxy.parse(DeviceGet, params));
    requireSelfOrOperator(caller, [reply.device.owner, reply.device.did]);
    return this.proxy.encode(DeviceGet, reply);
  }

  /** Rotation is signed by the key being replaced: the subject asks for itself. */
  @Post('keys/rotate')
  @HttpCode(200)
  @Access('participant', 'device')
  async rotate(@Body() body: unknown, @Caller() caller: Principal) {
    const input = this.proxy.parse(KeyRotate, body);
    if (!((caller.kind === 'participant' || caller.kind === 'device') && caller.did === input.subject)) {
      throw new AppError(ErrorCode.FORBIDDEN, 'a key is rotated by a request its subject signs');
    }
    return this.proxy.encode(KeyRotate, await this.proxy.ask(KeyRotate, input));
  }

  /** Identity decides whether the caller may revoke this key (its subject, a device's owner, an operator). */
  @Post('keys/:key/revoke')
  @HttpCode(200)
  @Access('participant', 'device', 'operator')
  revoke(@Param('key') key: string, @Body() body: Record<string, unknown> | undefined, @Caller() caller: Principal) {
    const { reason } = parseWith(REASON_BODY, body ?? {});
    return this.proxy.forward(KeyRevoke, { reason, key, actor: actorOf(caller) });
  }
}
