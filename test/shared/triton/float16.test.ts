import { decodeFloat16, encodeFloat16 } from '../../../shared/triton/float16';

/** The 16-bit patterns of `values` once encoded. */
function bits(values: number[]): number[] {
  const bytes = encodeFloat16(Float32Array.from(values));
  return Array.from({ length: values.length }, (_, i) => bytes[2 * i]! | (bytes[2 * i + 1]! << 8));
}

function roundTrip(values: number[]): number[] {
  return Array.from(decodeFloat16(encodeFloat16(Float32Array.from(values))));
}

describe('float16', () => {
  it('writes IEEE half-precision bit patterns little-endian', () => {
    // Prepare
    const values = [1, -2, 0.5, 65504];

    // Act
    const patterns = bits(values);

    // Assess
    expect(patterns).toEqual([0x3c00, 0xc000, 0x3800, 0x7bff]);
  });

  it('round-trips values that half precision holds exactly, including subnormals and -0', () => {
    // Prepare
    const smallestSubnormal = 2 ** -24;
    const largestSubnormal = 2 ** -14 - 2 ** -24;
    const values = [0, 1, -1.5, 1024, smallestSubnormal, largestSubnormal, 2 ** -14, -smallestSubnormal];

    // Act
    const back = roundTrip([...values, -0]);

    // Assess
    expect(back.slice(0, values.length)).toEqual(values);
    expect(Object.is(back[values.length], -0)).toBe(true);
  });

  it('keeps infinities and NaN', () => {
    // Act
    const back = roundTrip([Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN]);

    // Assess
    expect(back[0]).toBe(Number.POSITIVE_INFINITY);
    expect(back[1]).toBe(Number.NEGATIVE_INFINITY);
    expect(Number.isNaN(back[2])).toBe(true);
  });

  it('rounds to nearest, ties to even', () => {
    // Prepare: the half-precision spacing at 1 is 2^-10.
    const ulp = 2 ** -10;

    // Act
    const back = roundTrip([1 + ulp / 2, 1 + 1.5 * ulp, 1 + ulp * 0.49, 1 + ulp * 0.51]);

    // Assess: 1+ulp/2 ties to 1 (even), 1+1.5ulp ties to 1+2ulp (even).
    expect(back).toEqual([1, 1 + 2 * ulp, 1, 1 + ulp]);
  });

  it('overflows to infinity past the largest half and flushes tiny values to signed zero', () => {
    // Act
    const back = roundTrip([65520, -1e6, 2 ** -26, -(2 ** -26)]);

    // Assess
    expect(back[0]).toBe(Number.POSITIVE_INFINITY);
    expect(back[1]).toBe(Number.NEGATIVE_INFINITY);
    expect(Object.is(back[2], 0)).toBe(true);
    expect(Object.is(back[3], -0)).toBe(true);
  });

  it('decodes bytes that start at an odd offset of a larger buffer', () => {
    // Prepare
    const encoded = encodeFloat16(Float32Array.from([0.25, -3]));
    const padded = new Uint8Array(encoded.length + 1);
    padded.set(encoded, 1);

    // Act
    const back = decodeFloat16(padded.subarray(1));

    // Assess
    expect(Array.from(back)).toEqual([0.25, -3]);
  });

  it('refuses an odd number of bytes', () => {
    // Act / Assess
    expect(() => decodeFloat16(new Uint8Array(3))).toThrow(/whole number of fp16 values/);
  });
});
