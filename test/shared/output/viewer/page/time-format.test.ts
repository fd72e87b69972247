import { clockText, formatTime } from '../../../../../shared/output/viewer/page/time-format';

describe('formatTime', () => {
  it('shows minutes, zero-padded seconds and milliseconds, and hours only from an hour on', () => {
    // Prepare
    const seconds = [0, 5.0004, 65.25, 3599.9996, 3723.5, -1.5];

    // Act
    const shown = seconds.map(formatTime);

    // Assess
    expect(shown).toEqual(['0:00.000', '0:05.000', '1:05.250', '1:00:00.000', '1:02:03.500', '-0:01.500']);
  });
});

describe('clockText', () => {
  it('shows the playhead time over the duration', () => {
    // Act
    const text = clockText(1.5, 62);

    // Assess
    expect(text).toBe('0:01.500 / 1:02.000');
  });
});
