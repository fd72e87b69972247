import { captureConsole } from '../../../shared/audio/decoder-console';

describe('captureConsole', () => {
  it('collects what a step prints across its awaits, while other code still prints to the console', async () => {
    // Prepare
    const printed: unknown[][] = [];
    const spy = jest.spyOn(console, 'error').mockImplementation((...args) => printed.push(args));
    const tick = () => new Promise((resolve) => setImmediate(resolve));
    // The step outlasts the other code's tick, so that prints while the step's routing is in place.
    const step = async () => {
      console.error('decoder:\n\tLOST_SYNC');
      await tick();
      await tick();
      console.warn('second');
      return 7;
    };
    const elsewhere = async () => {
      await tick();
      console.error('another request');
    };

    // Act
    const [captured] = await Promise.all([captureConsole(step), elsewhere()]).finally(() =>
      spy.mockRestore(),
    );

    // Assess
    expect(captured).toEqual({ value: 7, lines: { count: 2, first: ['decoder: LOST_SYNC', 'second'] } });
    expect(printed).toEqual([['another request']]);
  });

  it('counts a flood of lines but keeps only the first few, and puts the console back afterwards', async () => {
    // Prepare
    const before = console.log;

    // Act
    const { lines } = await captureConsole(async () => {
      for (let i = 0; i < 10_000; i++) console.log(`line ${i}`);
    });

    // Assess
    expect(lines.count).toBe(10_000);
    expect(lines.first).toEqual(['line 0', 'line 1', 'line 2']);
    expect(console.log).toBe(before);
  });
});
