/**
 * A counting semaphore. Hand-written rather than p-limit because a permit must outlive the call that took it
 * (a download holds one until its body stream is drained), and callers need the in-use count for tests.
 */
export class Semaphore {
  private inUse = 0;
  private readonly waiters: Array<() => void> = [];

  public constructor(public readonly permits: number) {
    if (!Number.isInteger(permits) || permits < 1) {
      throw new RangeError(`a semaphore needs a whole number of permits >= 1, got ${permits}`);
    }
  }

  /** Permits currently held. */
  public get active(): number {
    return this.inUse;
  }

  /** Waits for a permit; the returned function gives it back (calling it twice is harmless). */
  public async acquire(): Promise<() => void> {
    if (this.inUse < this.permits) {
      this.inUse++;
    } else {
      // The releasing holder hands its permit straight to us, so inUse stays the same.
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiters.shift();
      if (next === undefined) this.inUse--;
      else next();
    };
  }

  /** Runs `task` holding a permit. */
  public async run<T>(task: () => Promise<T>): Promise<T> {
    const release = await this.acquire();
    try {
      return await task();
    } finally {
      release();
    }
  }
}
