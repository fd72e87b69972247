import { etaSeconds, formatClock, formatProgressLine } from '../../cli/progress-bar';

describe('formatProgressLine', () => {
  it('shows the bar by bytes done, files done, audio hours and the ETA from the work rate', () => {
    const progress = {
      filesDone: 3,
      filesTotal: 10,
      bytesTotal: 1000,
      bytesDone: 250,
      audioSecDone: 1800,
      elapsedMs: 60_000,
    };

    const line = formatProgressLine(progress);

    expect(line).toBe('[######..................] 3/10 files, 0.50 h audio, ETA 3:00');
  });

  it('has no ETA before any work is done', () => {
    const progress = {
      filesDone: 0,
      filesTotal: 2,
      bytesTotal: 10,
      bytesDone: 0,
      audioSecDone: 0,
      elapsedMs: 5,
    };

    expect(etaSeconds(progress)).toBeUndefined();
    expect(formatProgressLine(progress)).toMatch(/ETA --:--$/);
  });
});

describe('formatClock', () => {
  it('writes minutes and seconds, with hours from one hour on', () => {
    expect(formatClock(59.6)).toBe('1:00');
    expect(formatClock(3723)).toBe('1:02:03');
  });
});
