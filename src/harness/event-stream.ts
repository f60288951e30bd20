// A tenant's server-sent events as an async iterator. Opening resolves once the server has
// answered, and the server subscribes before it answers, so no event after open() is missed.
import type { EmulatorEvent } from '../emulator/event-hub.js';
import { SysstatusError } from './sysstatus-error.js';

interface Waiter {
  accept: (event: EmulatorEvent) => boolean;
  resolve: (result: IteratorResult<EmulatorEvent>) => void;
  reject: (error: Error) => void;
}

export class EventStream implements AsyncIterableIterator<EmulatorEvent> {
  private readonly buffer: EmulatorEvent[] = [];
  private waiter: Waiter | undefined;
  private ended = false;
  private failure: Error | undefined;

  private constructor(private readonly abort: AbortController) {}

  /** GETs the stream at url; rejects with a SysstatusError when the server refuses it. */
  static async open(url: string, headers: Record<string, string>): Promise<EventStream> {
    const abort = new AbortController();
    const response = await fetch(url, { headers: { ...headers, accept: 'text/event-stream' }, signal: abort.signal });
    if (!response.ok || !response.body) throw await SysstatusError.from('GET', url, response);
    const stream = new EventStream(abort);
    void stream.read(response.body);
    return stream;
  }

  private async read(body: ReadableStream<Uint8Array>): Promise<void> {
    let pending = '';
    const decoder = new TextDecoder();
    try {
      for await (const chunk of body) {
        pending += decoder.decode(chunk, { stream: true });
        const blocks = pending.split(/\r?\n\r?\n/);
        pending = blocks.pop()!;
        for (const block of blocks) {
          // Only data lines carry an event; retry, comments (heartbeats), id and event lines repeat what data holds.
          const data = block
            .split(/\r?\n/)
            .filter((line) => line.startsWith('data:'))
            .map((line) => line.slice(5).replace(/^ /, ''))
            .join('\n');
          if (data) this.push(JSON.parse(data) as EmulatorEvent);
        }
      }
    } catch (error) {
      if (!this.abort.signal.aborted) this.failure = error as Error;
    }
    this.finish();
  }

  private push(event: EmulatorEvent): void {
    this.buffer.push(event);
    this.drain();
  }

  private drain(): void {
    while (this.waiter && this.buffer.length > 0) {
      const event = this.buffer.shift()!;
      if (!this.waiter.accept(event)) continue;
      const { resolve } = this.waiter;
      this.waiter = undefined;
      resolve({ value: event, done: false });
    }
    if (this.waiter && this.ended) {
      const { resolve, reject } = this.waiter;
      this.waiter = undefined;
      if (this.failure) reject(this.failure);
      else resolve({ value: undefined, done: true });
    }
  }

  private finish(): void {
    this.ended = true;
    this.drain();
  }

  private take(accept: (event: EmulatorEvent) => boolean): Promise<IteratorResult<EmulatorEvent>> {
    if (this.waiter) return Promise.reject(new Error('the event stream is already being read: await the previous next() or waitFor()'));
    return new Promise((resolve, reject) => {
      this.waiter = { accept, resolve, reject };
      this.drain();
    });
  }

  next(): Promise<IteratorResult<EmulatorEvent>> {
    return this.take(() => true);
  }

  /**
   * The next event that passes `accept` (events before it are skipped); rejects after timeoutMs
   * (wall time) or when the stream ends first.
   */
  async waitFor(accept: (event: EmulatorEvent) => boolean = () => true, { timeoutMs = 5000 }: { timeoutMs?: number } = {}): Promise<EmulatorEvent> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        this.waiter = undefined;
        reject(new Error(`no matching event within ${timeoutMs} ms`));
      }, timeoutMs);
    });
    try {
      const result = await Promise.race([this.take(accept), timeout]);
      if (result.done) throw this.failure ?? new Error('the event stream ended before a matching event');
      return result.value;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Ends the stream: events not yet read are dropped, and a pending or later next() finishes with done. */
  async close(): Promise<void> {
    this.abort.abort();
    this.buffer.length = 0;
    this.finish();
  }

  async return(): Promise<IteratorResult<EmulatorEvent>> {
    await this.close();
    return { value: undefined, done: true };
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
