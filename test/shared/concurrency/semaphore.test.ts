import { Semaphore } from '../../../shared/concurrency/semaphore';

describe('Semaphore', () => {
  it('never lets more tasks run than it has permits, and runs them all', async () => {
    // Prepare
    const semaphore = new Semaphore(3);
    let running = 0;
    let peak = 0;

    // Act
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        semaphore.run(async () => {
          running++;
          peak = Math.max(peak, running);
          await new Promise((resolve) => setTimeout(resolve, 5));
          running--;
          return i;
        }),
      ),
    );

    // Assess
    expect(peak).toBe(3);
    expect(results).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(semaphore.active).toBe(0);
  });

  it('ignores a second release of the same permit', async () => {
    const semaphore = new Semaphore(1);
    const release = await semaphore.acquire();
    release();
    release();
    expect(semaphore.active).toBe(0);
  });

  it('refuses a non-positive permit count', () => {
    expect(() => new Semaphore(0)).toThrow('permits >= 1');
  });
});
