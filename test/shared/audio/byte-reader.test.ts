import { ByteReader } from '../../../shared/audio/byte-reader';

/** Yields `count` chunks of `size` bytes from one buffer it overwrites each time, like a pooled socket reader. */
async function* reusing(count: number, size: number): AsyncGenerator<Uint8Array> {
  const buffer = new Uint8Array(size);
  for (let i = 0; i < count; i++) {
    for (let j = 0; j < size; j++) buffer[j] = (i * size + j) & 0xff;
    yield buffer;
  }
}

describe('ByteReader', () => {
  it('returns exact reads across chunk boundaries from a source that reuses its buffer', async () => {
    // Prepare
    const reader = new ByteReader(reusing(10, 7), 1000);

    // Act
    const first = Array.from(await reader.read(5));
    const second = Array.from(await reader.read(12));
    const rest = await reader.read(100);

    // Assess
    expect(first).toEqual([0, 1, 2, 3, 4]);
    expect(second).toEqual([5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]);
    expect(rest.length).toBe(70 - 17);
    expect(rest[0]).toBe(17);
    expect(reader.position).toBe(70);
  });

  it('peeks without consuming and skips without holding the skipped bytes', async () => {
    const reader = ByteReader.fromBytes(Uint8Array.from([1, 2, 3, 4, 5, 6]), 1000);

    const peeked = Array.from(await reader.peek(3));
    const skipped = await reader.skip(4);
    const rest = Array.from(await reader.read(10));

    expect(peeked).toEqual([1, 2, 3]);
    expect(skipped).toBe(4);
    expect(rest).toEqual([5, 6]);
  });

  it('reports a short skip at the end of input', async () => {
    const reader = ByteReader.fromBytes(Uint8Array.from([1, 2, 3]), 1000);

    expect(await reader.skip(10)).toBe(3);
    expect((await reader.readSome(10)).length).toBe(0);
  });

  it('cancels the source when closed', async () => {
    let finished = false;
    async function* source(): AsyncGenerator<Uint8Array> {
      try {
        for (;;) yield new Uint8Array(4);
      } finally {
        finished = true;
      }
    }
    const reader = new ByteReader(source(), 1000);
    await reader.read(2);

    reader.close();
    await new Promise((resolve) => setImmediate(resolve));

    expect(finished).toBe(true);
  });
});
