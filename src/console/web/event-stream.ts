// Follows a server-sent event stream with fetch, so it can carry the admin token header that
// EventSource cannot, and reconnects (resuming after the last id) when the stream drops.
import { adminToken } from './api.js';

export interface StreamMessage {
  type: string;
  data: string;
}

export function followEvents(url: string, handlers: { onMessage(message: StreamMessage): void; onState(open: boolean): void }): () => void {
  const abort = new AbortController();
  let lastId: string | undefined;

  const connect = async () => {
    while (!abort.signal.aborted) {
      try {
        const token = adminToken.get();
        const response = await fetch(url, {
          headers: {
            accept: 'text/event-stream',
            ...(token ? { authorization: `Bearer ${token}` } : {}),
            ...(lastId ? { 'last-event-id': lastId } : {}),
          },
          signal: abort.signal,
        });
        if (!response.ok || !response.body) throw new Error(`events: HTTP ${response.status}`);
        handlers.onState(true);
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value.replace(/\r\n?/g, '\n');
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            let type = 'message';
            const data: string[] = [];
            for (const line of block.split('\n')) {
              if (line.startsWith(':')) continue;
              const colon = line.indexOf(':');
              const field = colon < 0 ? line : line.slice(0, colon);
              const text = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
              if (field === 'event') type = text;
              else if (field === 'data') data.push(text);
              else if (field === 'id') lastId = text;
            }
            if (data.length) handlers.onMessage({ type, data: data.join('\n') });
          }
        }
      } catch {
        // Dropped or refused: wait a moment and connect again.
      }
      if (abort.signal.aborted) return;
      handlers.onState(false);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  };
  void connect();
  return () => abort.abort();
}
