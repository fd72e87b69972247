import {
  formatClock,
  formatFixedSeconds,
  formatShortSeconds,
  toMilliseconds,
} from '../../../shared/output/time-format';

describe('toMilliseconds', () => {
  it('rounds seconds to the nearest whole millisecond', () => {
    expect(toMilliseconds(0.12)).toBe(120);
    expect(toMilliseconds(1.0004)).toBe(1000);
    expect(toMilliseconds(1.0006)).toBe(1001);
    expect(toMilliseconds(4000.123)).toBe(4_000_123);
  });
});

describe('formatClock', () => {
  it('writes hours, minutes, seconds and milliseconds with the separator of the format', () => {
    expect(formatClock(0, '.')).toBe('00:00:00.000');
    expect(formatClock(61_005, ',')).toBe('00:01:01,005');
    expect(formatClock(3_723_456, '.')).toBe('01:02:03.456');
  });

  it('keeps counting hours past one hundred', () => {
    expect(formatClock(100 * 3_600_000 + 1, '.')).toBe('100:00:00.001');
  });

  it('round-trips every millisecond value it writes', () => {
    // Prepare: a deterministic spread over twelve hours
    const values = Array.from({ length: 2000 }, (_, i) => (i * 21_613_717) % 43_200_000);

    // Act
    const parsed = values.map((ms) => {
      const [h, m, s] = formatClock(ms, '.').split(':');
      return Math.round((Number(h) * 3600 + Number(m) * 60 + Number(s)) * 1000);
    });

    // Assess
    expect(parsed).toEqual(values);
  });
});

describe('formatFixedSeconds', () => {
  it('always writes three decimals', () => {
    expect(formatFixedSeconds(0)).toBe('0.000');
    expect(formatFixedSeconds(120)).toBe('0.120');
    expect(formatFixedSeconds(3_723_456)).toBe('3723.456');
  });
});

describe('formatShortSeconds', () => {
  it('writes the shortest exact decimal, like Praat', () => {
    expect(formatShortSeconds(0)).toBe('0');
    expect(formatShortSeconds(2000)).toBe('2');
    expect(formatShortSeconds(120)).toBe('0.12');
    expect(formatShortSeconds(1005)).toBe('1.005');
  });

  it('round-trips through Number for every millisecond of the first minute', () => {
    const values = Array.from({ length: 60_000 }, (_, i) => i);

    const mismatches = values.filter((ms) => Math.round(Number(formatShortSeconds(ms)) * 1000) !== ms);

    expect(mismatches).toEqual([]);
  });
});
