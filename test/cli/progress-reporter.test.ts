import { ProgressReporter } from '../../cli/progress-reporter';

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
