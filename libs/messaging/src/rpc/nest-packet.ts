/**
 * The request/reply packets of Nest's NATS transport (`NatsRecordSerializer` and the
 * server's publisher): a request is `{ pattern, data, id }`; the reply is
 * `{ id, response, isDisposed }` or `{ id, err, isDisposed }`. Services answer with Nest's
 * transport; the RpcClient speaks the same format over a plain NATS request so it gets
 * NATS's own timeout and no-responders detection.
 */
export interface NestRequestPacket {
  pattern: string;
  data: unknown;
  id: string;
}

export interface NestReplyPacket {
  id?: string;
  response?: unknown;
  err?: unknown;
  isDisposed?: boolean;
}
