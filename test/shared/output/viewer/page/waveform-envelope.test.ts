import { traceEnvelope } from '../../../../../shared/output/viewer/page/waveform-envelope';

/** The bars traced for the view, as [x, top, height]. */
function bars(
  minMax: number[],
  binsPerSec: number,
  view: { scroll: number; width: number; pxPerSec: number },
): number[][] {
  const traced: number[][] = [];
  traceEnvelope({ minMax: Int8Array.from(minMax), binsPerSec }, view, 50, (x, top, height) =>
    traced.push([x, top, height]),
  );
  return traced;
}

describe('traceEnvelope', () => {
  it('draws each column from the highest to the lowest peak of the bins under it, ±127 spanning the centre', () => {
    // Prepare: four bins, two per pixel column.
    const minMax = [-127, 0, 0, 127, -10, 20, 0, 0];

    // Act
    const traced = bars(minMax, 2, { scroll: 0, width: 10, pxPerSec: 1 });

    // Assess: column 1 spans bins 2 and 3 (-10 to 20); past the audio's four bins nothing is drawn.
    expect(traced).toHaveLength(2);
    expect(traced[0]).toEqual([0, 0, 100]);
    expect(traced[1]![1]).toBeCloseTo(50 - (20 / 127) * 50, 9);
    expect(traced[1]![2]).toBeCloseTo((30 / 127) * 50, 9);
  });

  it('shows the bin a column falls in when zoomed in past one bin per pixel, from the scroll position', () => {
    // Prepare: two bins; at 4 px per bin, scrolled 2 px in.
    const minMax = [0, 127, -127, 0];

    // Act
    const traced = bars(minMax, 1, { scroll: 2, width: 8, pxPerSec: 4 });

    // Assess
    expect(traced).toEqual([
      [0, 0, 50],
      [1, 0, 50],
      [2, 50, 50],
      [3, 50, 50],
      [4, 50, 50],
      [5, 50, 50],
    ]);
  });

  it('draws only a 1 px line where the envelope is flat', () => {
    // Act
    const traced = bars([0, 0], 1, { scroll: 0, width: 3, pxPerSec: 1 });

    // Assess
    expect(traced).toEqual([[0, 50, 1]]);
  });
});
