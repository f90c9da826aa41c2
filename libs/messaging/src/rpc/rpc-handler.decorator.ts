import { Logger } from '@nestjs/common';
import { MessagePattern, RpcException } from '@nestjs/microservices';
import { AppError, toErrorBody, validationError, type RpcContract, type RpcRequest, type RpcResponse } from '@ampool/contracts';

const logger = new Logger('RpcHandler');

/**
 * Marks a controller method as the handler of an RPC contract. The method receives the
 * decoded, validated request and returns the decoded response; the decorator validates at
 * the boundary (VALIDATION_FAILED, with nothing else run), encodes the reply for the wire,
 * and turns every failure into an RpcException carrying a stable code. Unexpected errors are
 * logged here with their stack and reach the caller only as INTERNAL.
 */
export function RpcHandler<C extends RpcContract>(contract: C) {
  return <M extends (input: RpcRequest<C>) => Promise<RpcResponse<C>>>(
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
        return contract.response.encode(result);
      } catch (error) {
        if (!(error instanceof AppError)) logger.error(`${contract.subject} failed`, (error as Error)?.stack ?? String(error));
        throw new RpcException(toErrorBody(error));
      }
    } as never;
    MessagePattern(contract.subject)(target, key, descriptor);
  };
}
