import { layIntervalTier } from '../../../shared/output/interval-tier';

describe('layIntervalTier', () => {
  it('fills the gaps before, between and after spans with empty intervals', () => {
    const spans = [
      { label: 'a', startMs: 100, endMs: 200 },
      { label: 'b', startMs: 300, endMs: 400 },
    ];

    const tier = layIntervalTier(spans, 500);

    expect(tier).toEqual([
      { label: '', startMs: 0, endMs: 100 },
      { label: 'a', startMs: 100, endMs: 200 },
      { label: '', startMs: 200, endMs: 300 },
      { label: 'b', startMs: 300, endMs: 400 },
      { label: '', startMs: 400, endMs: 500 },
    ]);
  });

  it('adds no empty interval between touching spans or at a span ending at xmax', () => {
    const spans = [
      { label: 'a', startMs: 0, endMs: 200 },
      { label: 'b', startMs: 200, endMs: 400 },
    ];

    expect(layIntervalTier(spans, 400).map((i) => i.label)).toEqual(['a', 'b']);
  });

  it('drops zero-length spans, which Praat cannot hold', () => {
    const spans = [
      { label: 'a', startMs: 0, endMs: 200 },
      { label: 'point', startMs: 200, endMs: 200 },
      { label: 'b', startMs: 200, endMs: 400 },
    ];

    expect(layIntervalTier(spans, 400).map((i) => i.label)).toEqual(['a', 'b']);
  });

  it('moves the boundary of overlapping neighbours to the middle of the overlap', () => {
    const spans = [
      { label: 'a', startMs: 100, endMs: 530 },
      { label: 'b', startMs: 470, endMs: 900 },
    ];

    const tier = layIntervalTier(spans, 1000);

    expect(tier.slice(1, 3)).toEqual([
      { label: 'a', startMs: 100, endMs: 500 },
      { label: 'b', startMs: 500, endMs: 900 },
    ]);
  });

  it('drops a span that cannot keep any length beside the one it overlaps', () => {
    const spans = [
      { label: 'a', startMs: 100, endMs: 500 },
      { label: 'b', startMs: 100, endMs: 101 },
    ];

    expect(layIntervalTier(spans, 600).map((i) => i.label)).toEqual(['', 'a', '']);
  });

  it('does not change the spans it was given', () => {
    const spans = [
      { label: 'a', startMs: 100, endMs: 530 },
      { label: 'b', startMs: 470, endMs: 900 },
    ];

    layIntervalTier(spans, 1000);

    expect(spans[0]?.endMs).toBe(530);
  });

  it('covers the whole domain with one empty interval when there are no spans', () => {
    expect(layIntervalTier([], 250)).toEqual([{ label: '', startMs: 0, endMs: 250 }]);
  });
});
