import type { SeededRandom } from './seeded-random';

/** Values that break parsers: zero, one, sign edges and all-ones at 8, 16 and 32 bits. */
const INTERESTING = [
  0, 1, 2, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff,
];
/** Headers live at the start, so most point mutations land in the first bytes. */
const HEADER_BYTES = 512;

type Mutation = (bytes: Uint8Array, random: SeededRandom, other: Uint8Array) => Uint8Array;

function offset(bytes: Uint8Array, random: SeededRandom): number {
  const span = random.chance(0.75) ? Math.min(bytes.length, HEADER_BYTES) : bytes.length;
  return random.int(0, Math.max(0, span - 1));
}

const flipBits: Mutation = (bytes, random) => {
  const out = bytes.slice();
  for (let n = random.int(1, 8); n > 0 && out.length > 0; n--)
    out[offset(out, random)]! ^= 1 << random.int(0, 7);
  return out;
};

const setInteresting: Mutation = (bytes, random) => {
  const out = bytes.slice();
  if (out.length < 4) return out;
  const at = Math.min(offset(out, random), out.length - 4);
  const value = random.pick(INTERESTING);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  const width = random.pick([1, 2, 4]);
  if (width === 1) view.setUint8(at, value & 0xff);
  else if (width === 2) view.setUint16(at, value & 0xffff, random.chance(0.7));
  else view.setUint32(at, value >>> 0, random.chance(0.7));
  return out;
};

const truncate: Mutation = (bytes, random) =>
  bytes.slice(
    0,
    random.chance(0.5) ? random.int(0, Math.min(bytes.length, 256)) : random.int(0, bytes.length),
  );

const insertRandom: Mutation = (bytes, random) => {
  const at = offset(bytes, random);
  return concat(bytes.subarray(0, at), random.bytes(random.int(1, 64)), bytes.subarray(at));
};

const deleteRange: Mutation = (bytes, random) => {
  const at = offset(bytes, random);
  return concat(bytes.subarray(0, at), bytes.subarray(Math.min(bytes.length, at + random.int(1, 256))));
};

const duplicateRange: Mutation = (bytes, random) => {
  const from = offset(bytes, random);
  const piece = bytes.subarray(from, from + random.int(1, 1024));
  const at = random.int(0, bytes.length);
  return concat(bytes.subarray(0, at), piece, bytes.subarray(at));
};

const randomizeRange: Mutation = (bytes, random) => {
  const out = bytes.slice();
  const from = offset(out, random);
  out.set(random.bytes(Math.min(out.length - from, random.int(1, 128))), from);
  return out;
};

const splice: Mutation = (bytes, random, other) =>
  concat(bytes.subarray(0, random.int(0, bytes.length)), other.subarray(random.int(0, other.length)));

const MUTATIONS: readonly Mutation[] = [
  flipBits,
  setInteresting,
  setInteresting,
  truncate,
  insertRandom,
  deleteRange,
  duplicateRange,
  randomizeRange,
  splice,
];

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** One to four random mutations of `seed` (bit flips, boundary values, cuts, inserts, splices with `other`). */
export function mutateAudio(seed: Uint8Array, other: Uint8Array, random: SeededRandom): Uint8Array {
  let bytes = seed;
  for (let n = random.int(1, 4); n > 0; n--) bytes = random.pick(MUTATIONS)(bytes, random, other);
  return bytes;
}
