/**
 * Runs tasks one after another per key, different keys in parallel. Two events for the same audio in one
 * process (its upload and its transcript's, a duplicate delivery) then run in turn, and the second finds
 * the first one's result up to date instead of repeating the inference concurrently.
 */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  /** Runs `task` after every earlier task of `key` has settled. */
  public run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const mine = previous.then(
      () => task(),
      () => task(),
    );
    this.tails.set(key, mine);
    const forget = (): void => {
      if (this.tails.get(key) === mine) this.tails.delete(key);
    };
    mine.then(forget, forget);
    return mine;
  }

  /** Keys with a task queued or running. */
  public get size(): number {
    return this.tails.size;
  }
}
