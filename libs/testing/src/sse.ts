/** One Server-Sent Events frame. */
export interface SseFrame {
  event: string;
  data: string;
}

export interface SseStream {
  status: number;
  /** Every frame received so far. */
  frames: SseFrame[];
  /** Resolves with the next frame (after those already taken) that `match` accepts. */
  next(match?: (frame: SseFrame) => boolean, timeoutMs?: number): Promise<SseFrame>;
  /** Resolves when the server closes the stream. */
  closed: Promise<void>;
  close(): void;
}

/** Opens an SSE stream with fetch and parses its frames (for tests of the live stream). */
export async function openSse(url: string, headers: Record<string, string> = {}): Promise<SseStream> {
  const abort = new AbortController();
  const response = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: abort.signal });
  const frames: SseFrame[] = [];
  let taken = 0;
  const waiters: Array<() => void> = [];
  const notify = () => waiters.splice(0).forEach((w) => w());
  const closed = (async () => {
    if (!response.body) return;
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let event = 'message';
          const data: string[] = [];
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) continue;
            if (line.startsWith('event: ')) event = line.slice(7);
            else if (line.startsWith('data: ')) data.push(line.slice(6));
          }
          if (data.length > 0) frames.push({ event, data: data.join('\n') });
          notify();
        }
      }
    } catch {
      // aborted
    } finally {
      notify();
    }
  })();
  let done = false;
  void closed.then(() => (done = true));
  return {
    status: response.status,
    frames,
    closed,
    close: () => abort.abort(),
    async next(match = () => true, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        while (taken < frames.length) {
          const frame = frames[taken++]!;
          if (match(frame)) return frame;
        }
        if (done) throw new Error(`the stream closed before the expected frame (got: ${frames.map((f) => f.event).join(', ')})`);
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`no matching frame within ${timeoutMs} ms (got: ${frames.map((f) => f.event).join(', ')})`);
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, left);
          waiters.push(() => (clearTimeout(t), resolve()));
        });
      }
    },
  };
}
