export type LiveStatus = 'connecting' | 'open' | 'retrying' | 'ended';

export interface LiveHandlers {
  message(event: string, data: unknown): void;
  status(status: LiveStatus, detail?: string): void;
  /** The gateway ended the stream because the session is no longer valid. */
  sessionEnded(): void;
  /** Asked when the browser gives up on the stream: is the session still valid? */
  stillSignedIn(): Promise<boolean>;
}

/**
 * The operator live stream over Server-Sent Events. The browser's EventSource reconnects by
 * itself after a network error; when the gateway ends the stream on purpose (`end`), this
 * reconnects only if the reason allows it, with a growing delay.
 */
export class LiveConnection {
  private source?: EventSource;
  private retryTimer?: number;
  private attempt = 0;
  private closed = false;

  constructor(
    private readonly url: string,
    private readonly events: readonly string[],
    private readonly handlers: LiveHandlers,
  ) {}

  open(): void {
    this.closed = false;
    this.handlers.status('connecting');
    const source = new EventSource(this.url, { withCredentials: true });
    this.source = source;
    source.onopen = () => {
      this.attempt = 0;
      this.handlers.status('open');
    };
    source.onerror = () => {
      if (this.closed) return;
      // CLOSED means the browser gave up (for example a 401 or 429 answer): retry ourselves.
      if (source.readyState === EventSource.CLOSED) {
        void this.handlers.stillSignedIn().then((signedIn) => {
          if (signedIn) return this.retry('the stream was refused or lost');
          this.closed = true;
          this.handlers.status('ended', 'session ended');
          this.handlers.sessionEnded();
        });
      }
      else this.handlers.status('retrying', 'reconnecting…');
    };
    const deliver = (name: string) => (e: MessageEvent<string>) => {
      try {
        this.handlers.message(name, JSON.parse(e.data));
      } catch {
        // a malformed message is dropped; the next ones still count
      }
    };
    for (const name of ['hello', 'health', 'markets', ...this.events]) source.addEventListener(name, deliver(name) as EventListener);
    source.addEventListener('end', ((e: MessageEvent<string>) => {
      const reason = (JSON.parse(e.data) as { reason?: string }).reason;
      source.close();
      if (reason === 'session-ended') {
        this.closed = true;
        this.handlers.status('ended', 'session ended');
        this.handlers.sessionEnded();
      } else this.retry(reason === 'too-slow' ? 'fell behind; reconnecting' : 'gateway restarting');
    }) as EventListener);
  }

  close(): void {
    this.closed = true;
    window.clearTimeout(this.retryTimer);
    this.source?.close();
  }

  private retry(detail: string): void {
    this.source?.close();
    const delay = Math.min(30_000, 1_000 * 2 ** this.attempt++);
    this.handlers.status('retrying', `${detail} — next try in ${Math.round(delay / 1000)} s`);
    this.retryTimer = window.setTimeout(() => !this.closed && this.open(), delay);
  }
}
