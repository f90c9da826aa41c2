import { Logger } from '@nestjs/common';
import { MessagePattern, RpcException } from '@nestjs/microservices';
import type { z } from 'zod';
import { AppError, ErrorCode, toErrorBody, validationError, type RpcContract, type RpcRequest, type RpcResponse } from '@ampool/contracts';

const logger = new Logger('RpcHandler');

/**
 * A reply a handler has already put in its contract's wire form, sent as it is. For hot paths
 * whose encoder is written out and held equal to the contract's by a test (the schema's
 * encode also validates every field, which can cost more than the work itself); the caller
 * still checks the reply against the contract.
 */
export class WireReply<C extends RpcContract> {
  constructor(
    readonly contract: C,
    readonly wire: z.input<C['response']>,
  ) {}
}

/**
 * Marks a controller method as the handler of an RPC contract. The method receives the
 * decoded, validated request and returns the decoded response; the decorator validates at
 * the boundary (VALIDATION_FAILED, with nothing else run), encodes the reply for the wire,
 * and turns every failure into an RpcException carrying a stable code. A database or broker
 * that is down or restarting reaches the caller as UPSTREAM_UNAVAILABLE or UPSTREAM_TIMEOUT
 * (retry with the same id) and is logged in one line; other unexpected errors are logged here
 * with their stack and reach the caller only as INTERNAL.
 */
export function RpcHandler<C extends RpcContract>(contract: C) {
  return <M extends (input: RpcRequest<C>) => Promise<RpcResponse<C> | WireReply<C>>>(
    target: object,
    key: string | symbol,
    descriptor: TypedPropertyDescriptor<M>,
  ): void => {
    const original = descriptor.value!;
    descriptor.value = async function (this: unknown, raw: unknown) {
      const parsed = contract.request.safeParse(raw);
      if (!parsed.success) throw new RpcException(validationError(parsed.error).toBody());
      try {
        const result = await original.call(this, parsed.data as RpcRequest<C>);
        if (result instanceof WireReply) {
          if (result.contract !== contract) throw new Error(`${contract.subject} answered with a reply of ${result.contract.subject}`);
          return result.wire;
        }
        return contract.response.encode(result);
      } catch (error) {
        const body = toErrorBody(error);
        if (!(error instanceof AppError)) {
          if (body.code === ErrorCode.INTERNAL) logger.error(`${contract.subject} failed`, (error as Error)?.stack ?? String(error));
          else logger.warn(`${contract.subject} failed with ${body.code}: ${oneLine(error)}`);
        }
        throw new RpcException(body);
      }
    } as never;
    MessagePattern(contract.subject)(target, key, descriptor);
  };
}

/** An error's name and the last line of its message (Prisma puts a source excerpt before the message itself). */
function oneLine(error: unknown): string {
  const e = error as { name?: string; message?: string };
  const lines = String(e?.message ?? error).split('\n').map((l) => l.trim()).filter(Boolean);
  return `${e?.name ?? 'Error'}: ${lines.at(-1) ?? ''}`.slice(0, 300);
}
