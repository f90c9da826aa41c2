import { z } from 'zod';
import { uuidV7, instant } from './wire/codecs';

/** A request/reply message over core NATS: its subject and both payload schemas. */
export interface RpcContract<Req extends z.ZodType = z.ZodType, Res extends z.ZodType = z.ZodType> {
  readonly kind: 'rpc';
  readonly subject: string;
  readonly request: Req;
  readonly response: Res;
}

/** An event published to JetStream through an outbox: its subject and payload schema. */
export interface EventContract<Data extends z.ZodType = z.ZodType> {
  readonly kind: 'event';
  readonly subject: string;
  readonly data: Data;
  readonly envelope: z.ZodType<EventEnvelope<z.output<Data>>, EventEnvelope<z.input<Data>>>;
}

/** Every event travels in this envelope; `id` is also the JetStream `Nats-Msg-Id`. */
export interface EventEnvelope<D> {
  id: string;
  subject: string;
  source: string;
  occurredAt: Date;
  data: D;
}

const RPC_SUBJECT = /^rpc\.[a-z]+(\.[a-z-]+)+$/;
const EVENT_SUBJECT = /^evt\.[a-z]+\.[a-z-]+\.[a-z-]+\.v[0-9]+$/;

/** Declares a request/reply contract. Subjects are `rpc.<service>.<noun>.<verb>`. */
export function defineRpc<Req extends z.ZodType, Res extends z.ZodType>(
  subject: string,
  request: Req,
  response: Res,
): RpcContract<Req, Res> {
  if (!RPC_SUBJECT.test(subject)) throw new Error(`bad RPC subject ${subject}`);
  return { kind: 'rpc', subject, request, response };
}

/** Declares an event contract. Subjects are `evt.<domain>.<noun>.<event>.v<N>`. */
export function defineEvent<Data extends z.ZodType>(subject: string, data: Data): EventContract<Data> {
  if (!EVENT_SUBJECT.test(subject)) throw new Error(`bad event subject ${subject}`);
  const envelope = z.strictObject({
    id: uuidV7,
    subject: z.literal(subject),
    source: z.string().min(1).max(64),
    occurredAt: instant,
    data,
  });
  return { kind: 'event', subject, data, envelope: envelope as unknown as EventContract<Data>['envelope'] };
}

/** The decoded (code-side) request type of an RPC contract. */
export type RpcRequest<C extends RpcContract> = z.output<C['request']>;
/** The decoded (code-side) response type of an RPC contract. */
export type RpcResponse<C extends RpcContract> = z.output<C['response']>;
/** The decoded (code-side) data type of an event contract. */
export type EventData<C extends EventContract> = z.output<C['data']>;
