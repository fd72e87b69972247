import { SampleAccumulator } from '../../../shared/audio/sample-accumulator';

describe('SampleAccumulator', () => {
  it('joins blocks across pages in order', () => {
    // Prepare
    const accumulator = new SampleAccumulator(3);

    // Act
    accumulator.append(Float32Array.from([1, 2]));
    accumulator.append(Float32Array.from([3, 4, 5]));
    accumulator.append(Float32Array.from([6]));

    // Assess
    expect(Array.from(accumulator.finish())).toEqual([1, 2, 3, 4, 5, 6]);
    expect(accumulator.length).toBe(6);
  });

  it('hands back its single page without copying when the estimate was exact', () => {
    const accumulator = new SampleAccumulator(4);
    accumulator.append(Float32Array.from([1, 2, 3, 4]));

    const first = accumulator.finish();
    const second = accumulator.finish();

    expect(first.buffer).toBe(second.buffer);
    expect(first.length).toBe(4);
  });

  it('returns an empty array when nothing was appended', () => {
    expect(new SampleAccumulator().finish().length).toBe(0);
  });
});
