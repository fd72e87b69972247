import {
  clampZoom,
  openingZoom,
  sliderToZoom,
  zoomLimits,
  zoomToSlider,
} from '../../../../../shared/output/viewer/page/zoom';

describe('zoomLimits', () => {
  it('zooms out to the whole timeline in view and in to 1000 px/s', () => {
    // Act
    const limits = zoomLimits(1000, 20);

    // Assess
    expect(limits).toEqual({ min: 50, max: 1000 });
  });

  it('zooms in less on long audio, so the track stays within what browsers lay out', () => {
    // Act
    const limits = zoomLimits(1000, 36_000);

    // Assess
    expect(limits.max * 36_000).toBeCloseTo(3e7, 6);
  });

  it('never lets the closest zoom fall below the fitted one', () => {
    // Act
    const limits = zoomLimits(2000, 1);

    // Assess
    expect(limits).toEqual({ min: 2000, max: 2000 });
  });
});

describe('clampZoom', () => {
  it('holds a scale within the limits', () => {
    // Prepare
    const limits = { min: 10, max: 100 };

    // Act
    const scales = [5, 50, 500].map((value) => clampZoom(value, limits));

    // Assess
    expect(scales).toEqual([10, 50, 100]);
  });
});

describe('openingZoom', () => {
  it('opens up to 30 s fitted to the view and longer audio at 100 px/s', () => {
    // Prepare
    const limits = { min: 37, max: 1000 };

    // Act
    const scales = [openingZoom(30, limits), openingZoom(30.5, limits)];

    // Assess
    expect(scales).toEqual([37, 100]);
  });
});

describe('the zoom slider', () => {
  const limits = { min: 10, max: 1000 };

  it('is logarithmic: its middle is the geometric mean of the limits', () => {
    // Act
    const positions = [10, 100, 1000].map((value) => zoomToSlider(value, limits));

    // Assess
    expect(positions).toEqual([0, 500, 1000]);
    expect(sliderToZoom(500, limits)).toBeCloseTo(100, 9);
  });

  it('maps a position to a scale and back to the same position', () => {
    // Act
    const positions = [0, 1, 333, 999, 1000].map((position) =>
      zoomToSlider(sliderToZoom(position, limits), limits),
    );

    // Assess
    expect(positions).toEqual([0, 1, 333, 999, 1000]);
  });

  it('stays at 0 when there is nothing to zoom', () => {
    // Act
    const position = zoomToSlider(50, { min: 50, max: 50 });

    // Assess
    expect(position).toBe(0);
  });
});
