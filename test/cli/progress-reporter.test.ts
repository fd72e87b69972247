import { FileProgressReporter, ProgressReporter } from '../../cli/progress-reporter';

function stream(isTTY: boolean): { text: string; isTTY: boolean; write(chunk: string): void } {
  return {
    text: '',
    isTTY,
    write(chunk: string) {
      this.text += chunk;
    },
  };
}

describe('ProgressReporter', () => {
  it('prints one plain line per finished file when the stream is not a terminal', () => {
    // Prepare
    const out = stream(false);
    let now = 0;
    const reporter = new ProgressReporter(out, 2, 300, () => now);

    // Act
    reporter.fileStarted('a.wav', 100);
    now = 1000;
    reporter.fileFinished('a.wav', 100, { status: 'ok', audioSec: 12, wallMs: 1000 });
    reporter.fileFinished('b.wav', 200, { status: 'skipped', audioSec: 0, wallMs: 0 });
    reporter.finish();

    // Assess: after a.wav, b.wav's 200 bytes are left at 100 bytes/s; then it is skipped, so nothing is.
    expect(out.text).toBe(
      '[1/2] ok      a.wav (0:12 audio in 1.0 s); ETA 0:02\n[2/2] skipped b.wav (up to date)\n',
    );
  });

  it("prints a file's warnings after its line, and above the bar on a terminal", () => {
    // Prepare
    const plain = stream(false);
    const terminal = stream(true);
    const outcome = { status: 'ok' as const, audioSec: 3, wallMs: 100, warnings: ['first doubt', 'second'] };

    // Act
    for (const out of [plain, terminal]) {
      const reporter = new ProgressReporter(out, 1, 100, () => 0);
      reporter.fileFinished('a.wav', 100, outcome);
      reporter.finish();
    }

    // Assess
    expect(plain.text).toMatch(
      /^\[1\/1\] ok {6}a\.wav .*\nwarning: a\.wav: first doubt\nwarning: a\.wav: second\n$/,
    );
    expect(terminal.text).toBe(
      '\r\x1b[2Kwarning: a.wav: first doubt\n\r\x1b[2Kwarning: a.wav: second\n' +
        '\r\x1b[2K[########################] 1/1 files, 0.00 h audio, ETA --:--\r\x1b[2K',
    );
  });

  it('redraws one bar in place on a terminal, counting a file part-way through', () => {
    const out = stream(true);
    let now = 0;
    const reporter = new ProgressReporter(out, 1, 100, () => now);

    reporter.fileStarted('long.wav', 100);
    now = 500;
    reporter.fileProgress('long.wav', 0.5);
    reporter.finish();

    expect(out.text).toContain('\r\x1b[2K[............');
    expect(out.text).toContain('\r\x1b[2K[############............] 0/1 files, 0.00 h audio, ETA 0:01');
    expect(out.text.endsWith('\r\x1b[2K')).toBe(true);
    expect(out.text).not.toContain('\n');
  });
});

describe('FileProgressReporter', () => {
  /** Feeds `updates` evenly spread progress calls over `wallSec` of a fake clock, then finishes. */
  function run(out: ReturnType<typeof stream>, updates: number, wallSec: number, durationSec: number): void {
    let now = 0;
    const reporter = new FileProgressReporter(out, durationSec, () => now);
    for (let done = 1; done <= updates; done++) {
      now = (done * wallSec * 1000) / updates;
      reporter.update(done, updates);
    }
    reporter.finish();
  }

  it('prints at most one line per whole percent on a long run, ending at 100%', () => {
    // Prepare: six hours of audio in 831 batches over six hours of wall time (the run that printed 831 lines).
    const out = stream(false);

    // Act
    run(out, 831, 6 * 3600, 6 * 3600);

    // Assess
    const lines = out.text.split('\n').filter(Boolean);
    expect(lines.length).toBeLessThanOrEqual(101);
    expect(lines.at(-1)).toBe('progress: 100% of 21600 s');
    expect(new Set(lines).size).toBe(lines.length);
  });

  it('prints a line at most every few seconds on a fast run, ending at 100%', () => {
    // Prepare: an hour of audio in 100,000 updates over 20 s of wall time.
    const out = stream(false);

    // Act
    run(out, 100_000, 20, 3600);

    // Assess: the first line, one per 5 s after it, and the last.
    const lines = out.text.split('\n').filter(Boolean);
    expect(lines.length).toBeLessThanOrEqual(6);
    expect(lines.at(-1)).toBe('progress: 100% of 3600 s');
  });

  it('redraws one line in place on a terminal, bounded by the percent, and clears it at the end', () => {
    // Prepare
    const out = stream(true);

    // Act
    run(out, 100_000, 6 * 3600, 6 * 3600);

    // Assess
    const redraws = out.text.split('\r\x1b[2K').filter(Boolean);
    expect(redraws.length).toBeLessThanOrEqual(101);
    expect(redraws.at(-1)).toBe('progress: 100% of 21600 s');
    expect(out.text.endsWith('\r\x1b[2K')).toBe(true);
    expect(out.text).not.toContain('\n');
  });
});
