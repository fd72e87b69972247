import {
  scrollToAnchor,
  scrollToFollow,
  showsWordBoxes,
  stripMarkExtent,
  timelineDuration,
  trackWidth,
  wordBoxExtent,
} from '../../../../../shared/output/viewer/page/timeline-geometry';

describe('timelineDuration', () => {
  it('spans the audio, or the last word when it ends later, and is never zero', () => {
    // Act
    const durations = [
      timelineDuration(10, [{ end: 4 }]),
      timelineDuration(10, [{ end: 12 }]),
      timelineDuration(0, []),
    ];

    // Assess
    expect(durations).toEqual([10, 12, 0.001]);
  });
});

describe('wordBoxExtent', () => {
  it('maps a word from seconds to track pixels, at least 2 px wide', () => {
    // Act
    const boxes = [wordBoxExtent(1, 1.5, 100), wordBoxExtent(2, 2.001, 100)];

    // Assess
    expect(boxes).toEqual([
      { left: 100, width: 50 },
      { left: 200, width: 2 },
    ]);
  });
});

describe('stripMarkExtent', () => {
  it('maps a word to view pixels, shifted by the scroll, at least 1 px wide', () => {
    // Act
    const marks = [stripMarkExtent(1, 1.5, 100, 30), stripMarkExtent(2, 2.001, 100, 30)];

    // Assess
    expect(marks).toEqual([
      { left: 70, width: 50 },
      { left: 170, width: 1 },
    ]);
  });
});

describe('trackWidth', () => {
  it('rounds the timeline up to whole pixels', () => {
    // Act
    const width = trackWidth(10.001, 100);

    // Assess
    expect(width).toBe(1001);
  });
});

describe('scrollToAnchor', () => {
  it('keeps a time under the same view position, never scrolling before the start', () => {
    // Act
    const scrolls = [scrollToAnchor(10, 300, 100), scrollToAnchor(1, 300, 100)];

    // Assess
    expect(scrolls).toEqual([700, 0]);
  });
});

describe('scrollToFollow', () => {
  it('leaves the view alone while the playhead is within its first nine tenths', () => {
    // Act
    const scrolls = [scrollToFollow(5, 500, 1000, 100), scrollToFollow(14, 500, 1000, 100)];

    // Assess
    expect(scrolls).toEqual([null, null]);
  });

  it('brings a playhead outside the view back to a tenth of the view from its left edge', () => {
    // Act
    const scrolls = [
      scrollToFollow(14.5, 500, 1000, 100),
      scrollToFollow(4, 500, 1000, 100),
      scrollToFollow(0.5, 500, 1000, 100),
    ];

    // Assess
    expect(scrolls).toEqual([1350, 300, 0]);
  });
});

describe('showsWordBoxes', () => {
  it('draws boxes for up to 800 words in view', () => {
    // Act
    const shown = [0, 800, 801].map(showsWordBoxes);

    // Assess
    expect(shown).toEqual([true, true, false]);
  });
});
