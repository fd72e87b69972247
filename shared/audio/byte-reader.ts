import { InvalidInputError } from '../errors';
import { timeoutError, withTimeout } from './step-timeout';

const EMPTY = new Uint8Array(0);
const READING = 'reading the audio';

/**
 * Sequential reader over a byte stream that never holds more than the bytes asked for plus one source chunk.
 * Views it returns stay valid until the next call; leftovers are copied before the next chunk is pulled, so
 * sources that reuse their buffers are safe. Each wait for data is bounded by `timeoutMs`.
 */
export class ByteReader {
  private readonly iterator: AsyncIterator<Uint8Array>;
  private pending: Uint8Array = EMPTY;
  private ended = false;
  private consumed = 0;

  public constructor(
    source: AsyncIterable<Uint8Array>,
    private readonly timeoutMs: number,
  ) {
    this.iterator = source[Symbol.asyncIterator]();
  }

  /** Reads all of `bytes` as one in-memory source. */
  public static fromBytes(bytes: Uint8Array, timeoutMs: number): ByteReader {
    return new ByteReader(
      (async function* single() {
        yield bytes;
      })(),
      timeoutMs,
    );
  }

  /** Bytes consumed so far. */
  public get position(): number {
    return this.consumed;
  }

  /** The next `count` bytes (fewer only at end of input), left unconsumed. */
  public async peek(count: number): Promise<Uint8Array> {
    await this.fill(count);
    return this.pending.subarray(0, Math.min(count, this.pending.length));
  }

  /** Consumes exactly `count` bytes, or fewer only at end of input. */
  public async read(count: number): Promise<Uint8Array> {
    await this.fill(count);
    return this.take(Math.min(count, this.pending.length));
  }

  /** Consumes whatever is buffered or the next chunk, at most `max` bytes; empty only at end of input. */
  public async readSome(max: number): Promise<Uint8Array> {
    if (this.pending.length === 0) await this.fill(1);
    return this.take(Math.min(max, this.pending.length));
  }

  /** Discards up to `count` bytes without keeping them; returns how many there were. */
  public async skip(count: number): Promise<number> {
    let skipped = 0;
    while (skipped < count) {
      const chunk = await this.readSome(count - skipped);
      if (chunk.length === 0) break;
      skipped += chunk.length;
    }
    return skipped;
  }

  /** Tells the source no more bytes are wanted (stops a download); does not wait for it. */
  public close(): void {
    this.pending = EMPTY;
    this.ended = true;
    try {
      this.iterator.return?.()?.catch(() => undefined);
    } catch {
      // A source that cannot be cancelled mid-read is simply abandoned; its data is no longer referenced.
    }
  }

  private take(count: number): Uint8Array {
    const out = this.pending.subarray(0, count);
    this.pending = this.pending.subarray(count);
    this.consumed += count;
    return out;
  }

  private async fill(count: number): Promise<void> {
    while (this.pending.length < count && !this.ended) {
      const kept = this.pending.length === 0 ? EMPTY : this.pending.slice();
      const chunk = await this.pull();
      if (chunk === undefined) {
        this.pending = kept;
        return;
      }
      if (kept.length === 0) {
        this.pending = chunk;
      } else {
        const merged = new Uint8Array(kept.length + chunk.length);
        merged.set(kept);
        merged.set(chunk, kept.length);
        this.pending = merged;
      }
    }
  }

  /** The next non-empty chunk; a source yielding only empty chunks times out like a silent one. */
  private async pull(): Promise<Uint8Array | undefined> {
    const deadline = performance.now() + this.timeoutMs;
    for (;;) {
      const remaining = deadline - performance.now();
      if (remaining <= 0) throw timeoutError(READING, this.timeoutMs);
      const next = await withTimeout(this.iterator.next(), this.timeoutMs, READING, remaining);
      if (next.done === true) {
        this.ended = true;
        return undefined;
      }
      if (!(next.value instanceof Uint8Array)) {
        throw new InvalidInputError(
          `audio stream yielded ${typeof next.value} chunks; expected Uint8Array/Buffer (no text encoding)`,
        );
      }
      if (next.value.length > 0) return next.value;
    }
  }
}
