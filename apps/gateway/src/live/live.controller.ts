import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AppError, ErrorCode, liveEnd, liveHello, ParticipantStatusChanged, SessionResolve, type LiveEndWire } from '@ampool/contracts';
import { RpcClient } from '@ampool/messaging';
import { Access, Caller } from '../auth/auth.decorators';
import { SESSION_COOKIE } from '../auth/auth.guard';
import { rateKeyOf, type Principal } from '../auth/principal';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { LiveFeed, type LiveMessage } from './live-feed.service';

const HEARTBEAT_MS = 15_000;

/** One SSE frame. Data lines are split so a payload can never end the frame early. */
export function sseFrame(event: string, data: string): string {
  return `event: ${event}\n${data.split(/\r\n|\r|\n/).map((line) => `data: ${line}`).join('\n')}\n\n`;
}

/**
 * `GET /v1/operator/live`: the dashboard's Server-Sent Events stream. It opens with `hello`,
 * replays the feed's recent events, then relays new ones as they happen, with the services'
 * health every few seconds. A browser session is re-checked periodically and the stream ends
 * (`end` with `session-ended`) once it is no longer valid; an operator participant's stream
 * ends when the participant is suspended or revoked. A client that cannot keep up is
 * disconnected (`too-slow`) rather than buffered without bound.
 */
@Controller('v1/operator')
export class LiveController {
  private readonly open = new Map<string, number>();

  constructor(
    private readonly feed: LiveFeed,
    private readonly rpc: RpcClient,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  @Get('live')
  @Access('operator')
  live(@Caller() caller: Principal, @Req() req: Request, @Res() res: Response): void {
    const key = rateKeyOf(caller);
    if (this.feed.streams >= this.config.LIVE_MAX_STREAMS) throw new AppError(ErrorCode.RATE_LIMITED, 'too many live streams are open; try again later');
    if ((this.open.get(key) ?? 0) >= this.config.LIVE_MAX_STREAMS_PER_CALLER) {
      throw new AppError(ErrorCode.RATE_LIMITED, `at most ${this.config.LIVE_MAX_STREAMS_PER_CALLER} live streams per operator`);
    }
    this.open.set(key, (this.open.get(key) ?? 0) + 1);

    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.socket?.setNoDelay(true);
    let ended = false;
    const write = (event: string, data: string) => {
      if (ended) return;
      res.write(sseFrame(event, data));
      if (res.writableLength > this.config.LIVE_MAX_BUFFERED_BYTES) end('too-slow');
    };
    const timers: NodeJS.Timeout[] = [];
    const end = (reason: LiveEndWire['reason']) => {
      if (ended) return;
      write('end', JSON.stringify(liveEnd.encode({ reason })));
      ended = true;
      cleanup();
      res.end();
    };
    const participantDid = caller.kind === 'participant' ? caller.did : undefined;
    const detach = this.feed.attach({
      deliver: (message: LiveMessage) => {
        write(message.event, message.data);
        if (participantDid && message.event === ParticipantStatusChanged.subject && message.data.includes(participantDid)) {
          const change = ParticipantStatusChanged.envelope.safeParse(JSON.parse(message.data));
          if (change.success && change.data.data.did === participantDid && change.data.data.to !== 'active') end('session-ended');
        }
      },
      close: (reason) => end(reason),
    });
    let cleaned = false;
    const cleanup = () => {
      if (cleaned) return;
      cleaned = true;
      ended = true;
      detach();
      for (const t of timers) clearInterval(t);
      const left = (this.open.get(key) ?? 1) - 1;
      if (left > 0) this.open.set(key, left);
      else this.open.delete(key);
    };
    req.on('close', cleanup);

    const backlog = this.feed.backlog();
    write(
      'hello',
      JSON.stringify(
        liveHello.encode({
          at: new Date(),
          operator: caller.kind === 'operator' ? { kind: 'session', name: caller.email } : { kind: 'participant', name: participantDid ?? 'unknown' },
          backlog: backlog.length,
          relayed: this.feed.relayed,
          refused: this.feed.refused,
        }),
      ),
    );
    for (const message of backlog) write(message.event, message.data);

    timers.push(setInterval(() => !ended && res.write(': keep-alive\n\n'), HEARTBEAT_MS));
    const token = caller.kind === 'operator' ? new RegExp(`(?:^|;\\s*)${SESSION_COOKIE}=([^;]+)`).exec(req.headers.cookie ?? '')?.[1] : undefined;
    if (token) {
      timers.push(
        setInterval(() => {
          this.rpc.request(SessionResolve, { token }).then(
            () => undefined,
            (error: unknown) => {
              // Only a definite "no": a timeout while identity restarts must not end the stream.
              if (error instanceof AppError && (error.code === ErrorCode.SESSION_INVALID || error.code === ErrorCode.VALIDATION_FAILED)) end('session-ended');
            },
          );
        }, this.config.LIVE_SESSION_CHECK_SECONDS * 1000),
      );
    }
  }
}
