import { KeyedQueue } from '../../../shared/concurrency/keyed-queue';

/** A task that logs its start, then waits until the test finishes it, then logs its end. */
function heldTask(log: string[], name: string): { run: () => Promise<string>; finish: () => void } {
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => {
    finish = resolve;
  });
  return {
    run: async () => {
      log.push(`start ${name}`);
      await finished;
      log.push(`end ${name}`);
      return name;
    },
    finish: () => finish(),
  };
}

/** Lets every pending promise callback run (a macrotask comes after all queued microtasks). */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('KeyedQueue', () => {
  it('runs tasks of one key in turn and tasks of different keys together', async () => {
    // Prepare
    const queue = new KeyedQueue();
    const log: string[] = [];
    const [a1, a2, b1] = [heldTask(log, 'a1'), heldTask(log, 'a2'), heldTask(log, 'b1')];

    // Act: b1 finishes while a1 still runs, then a1 finishes, then a2
    const results = Promise.all([queue.run('a', a1.run), queue.run('a', a2.run), queue.run('b', b1.run)]);
    await settle();
    const whileA1Runs = [...log];
    b1.finish();
    await settle();
    const afterB1 = [...log];
    a1.finish();
    await settle();
    a2.finish();

    // Assess
    expect(await results).toEqual(['a1', 'a2', 'b1']);
    expect(whileA1Runs).toEqual(['start a1', 'start b1']);
    expect(afterB1).toEqual(['start a1', 'start b1', 'end b1']);
    expect(log).toEqual(['start a1', 'start b1', 'end b1', 'end a1', 'start a2', 'end a2']);
    expect(queue.size).toBe(0);
  });

  it('runs the next task even when the previous one failed', async () => {
    const queue = new KeyedQueue();

    const failed = queue.run('k', async () => {
      throw new Error('boom');
    });
    const next = queue.run('k', async () => 'ran');

    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe('ran');
  });
});
