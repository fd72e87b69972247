import type { SeededRandom } from './seeded-random';

/** A generated file: a header with absurd fields plus some payload; `label` names the kind for reports. */
export interface GeneratedAudio {
  label: string;
  extension: string;
  bytes: Uint8Array;
}

const U32 = [
  0, 1, 2, 3, 15, 16, 17, 40, 41, 1000, 0x7fffe000, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff,
];
const RATES = [0, 1, 999, 1000, 8000, 16000, 44100, 384000, 384001, 655350, 0xfffff, 0xffffffff];
const CHANNELS = [0, 1, 2, 8, 64, 65, 255, 0xffff];
const BITS = [0, 1, 4, 8, 12, 16, 20, 24, 32, 33, 64, 0xffff];
const FORMAT_TAGS = [0, 1, 2, 3, 6, 7, 0x55, 0xfffe, 0xffff];

class Writer {
  private readonly parts: number[] = [];
  public ascii(text: string): this {
    for (const c of text) this.parts.push(c.charCodeAt(0) & 0xff);
    return this;
  }
  public u8(value: number): this {
    this.parts.push(value & 0xff);
    return this;
  }
  public u16(value: number): this {
    return this.u8(value).u8(value >>> 8);
  }
  public u32(value: number): this {
    return this.u16(value & 0xffff).u16(value >>> 16);
  }
  public bytes(data: Uint8Array): this {
    for (const b of data) this.parts.push(b);
    return this;
  }
  public build(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

function pickOrRandom(list: readonly number[], random: SeededRandom, max: number): number {
  return random.chance(0.8) ? random.pick(list) : random.int(0, max);
}

/** A `fmt ` chunk with fields drawn from edge values; EXTENSIBLE layouts get a random sub-format GUID. */
function fmtChunk(random: SeededRandom): Uint8Array {
  const tag = random.pick(FORMAT_TAGS);
  const channels = pickOrRandom(CHANNELS, random, 0xffff);
  const rate = pickOrRandom(RATES, random, 0xffffffff);
  const bits = pickOrRandom(BITS, random, 0xffff);
  const blockAlign = random.chance(0.6)
    ? (channels * bits) >>> 3
    : pickOrRandom([0, 1, 3, 0xffff], random, 0xffff);
  const body = new Writer()
    .u16(tag)
    .u16(channels)
    .u32(rate)
    .u32(rate * blockAlign)
    .u16(blockAlign)
    .u16(bits);
  if (tag === 0xfffe || random.chance(0.2)) {
    body
      .u16(random.pick([0, 22, 0xffff]))
      .u16(bits)
      .u32(random.int(0, 0xffffffff));
    body.u16(random.pick([1, 3, 0xffff])).bytes(random.bytes(14));
  }
  const content = body.build();
  const declared = random.chance(0.8) ? content.length : pickOrRandom(U32, random, 0xffffffff);
  return new Writer().ascii('fmt ').u32(declared).bytes(content).build();
}

function dataChunk(random: SeededRandom): Uint8Array {
  const payload = random.bytes(random.int(0, 4096));
  const declared = random.chance(0.4) ? payload.length : pickOrRandom(U32, random, 0xffffffff);
  return new Writer().ascii('data').u32(declared).bytes(payload).build();
}

function wav(random: SeededRandom): GeneratedAudio {
  const rf64 = random.chance(0.2);
  const chunks: Uint8Array[] = [];
  if (rf64) {
    const ds64 = new Writer().u32(random.int(0, 0xffffffff)).u32(random.int(0, 0xffffffff));
    ds64
      .u32(random.int(0, 0xffffffff))
      .u32(random.pick([0, 0x7fffffff, 0xffffffff]))
      .u32(0)
      .u32(0)
      .u32(0);
    const body = ds64.build();
    chunks.push(
      new Writer()
        .ascii('ds64')
        .u32(random.chance(0.8) ? body.length : random.int(0, 0xffffffff))
        .bytes(body)
        .build(),
    );
  }
  const order = random.int(0, 3);
  if (order === 1) chunks.push(dataChunk(random), fmtChunk(random));
  else if (order === 2) chunks.push(fmtChunk(random), fmtChunk(random), dataChunk(random));
  else if (order === 3) {
    chunks.push(
      new Writer()
        .ascii('LIST')
        .u32(random.pick(U32))
        .bytes(random.bytes(random.int(0, 64)))
        .build(),
    );
    chunks.push(fmtChunk(random), dataChunk(random));
  } else chunks.push(fmtChunk(random), dataChunk(random));
  const body = new Writer();
  for (const chunk of chunks) body.bytes(chunk);
  const content = body.build();
  const riffSize = random.chance(0.5) ? content.length + 4 : pickOrRandom(U32, random, 0xffffffff);
  return {
    label: rf64 ? 'generated RF64' : 'generated WAV',
    extension: 'wav',
    bytes: new Writer()
      .ascii(rf64 ? 'RF64' : 'RIFF')
      .u32(riffSize)
      .ascii('WAVE')
      .bytes(content)
      .build(),
  };
}

/** `fLaC` + STREAMINFO with absurd rate, channels, depth and total samples, then random frames. */
function flac(random: SeededRandom): GeneratedAudio {
  const info = new Uint8Array(34);
  const view = new DataView(info.buffer);
  view.setUint16(0, pickOrRandom([0, 1, 16, 4096, 65535], random, 0xffff));
  view.setUint16(2, pickOrRandom([0, 1, 16, 4096, 65535], random, 0xffff));
  const rate = pickOrRandom(RATES, random, 0xfffff) & 0xfffff;
  const channels = random.int(0, 7);
  const bps = random.int(0, 31);
  const total = random.chance(0.5) ? random.pick([0, 1, 0xfffffffff]) : random.int(0, 0xffffffff);
  info[10] = rate >>> 12;
  info[11] = (rate >>> 4) & 0xff;
  info[12] = ((rate & 0xf) << 4) | (channels << 1) | (bps >>> 4);
  info[13] = ((bps & 0xf) << 4) | Math.floor(total / 2 ** 32);
  view.setUint32(14, total >>> 0);
  const frames = new Writer();
  for (let n = random.int(0, 20); n > 0; n--) {
    frames
      .u8(0xff)
      .u8(random.pick([0xf8, 0xf9]))
      .bytes(random.bytes(random.int(2, 300)));
  }
  const blockHeader = new Writer()
    .u8(random.chance(0.8) ? 0x80 : random.int(0, 0xff))
    .u8(0)
    .u8(0);
  blockHeader.u8(random.chance(0.8) ? 34 : random.int(0, 255));
  return {
    label: 'generated FLAC',
    extension: 'flac',
    bytes: new Writer().ascii('fLaC').bytes(blockHeader.build()).bytes(info).bytes(frames.build()).build(),
  };
}

/** One Ogg page with random header fields around an Opus or Vorbis identification header with absurd values. */
function ogg(random: SeededRandom): GeneratedAudio {
  const opus = random.chance(0.5);
  const id = opus
    ? new Writer()
        .ascii('OpusHead')
        .u8(random.pick([0, 1, 255]))
        .u8(pickOrRandom(CHANNELS, random, 255))
        .u16(random.int(0, 0xffff))
        .u32(pickOrRandom(RATES, random, 0xffffffff))
        .u16(random.int(0, 0xffff))
        .u8(random.pick([0, 1, 2, 255]))
        .bytes(random.bytes(random.int(0, 40)))
    : new Writer()
        .u8(1)
        .ascii('vorbis')
        .u32(random.pick([0, 1]))
        .u8(pickOrRandom(CHANNELS, random, 255))
        .u32(pickOrRandom(RATES, random, 0xffffffff))
        .u32(random.int(0, 0xffffffff))
        .u32(random.int(0, 0xffffffff))
        .u32(random.int(0, 0xffffffff))
        .u8(random.int(0, 255))
        .u8(random.pick([0, 1]));
  const packet = id.build();
  const pages = new Writer();
  for (let n = random.int(1, 4); n > 0; n--) {
    const payload = n === 1 ? packet : random.bytes(random.int(0, 2000));
    const segments = random.chance(0.8) ? Math.ceil(payload.length / 255) || 1 : random.int(0, 255);
    pages
      .ascii('OggS')
      .u8(random.chance(0.9) ? 0 : random.int(0, 255))
      .u8(random.pick([0, 2, 4, 6, 0xff]));
    pages
      .u32(random.int(0, 0xffffffff))
      .u32(random.int(0, 0xffffffff))
      .u32(random.int(0, 3))
      .u32(random.int(0, 9));
    pages.u32(random.int(0, 0xffffffff)).u8(segments);
    for (let s = 0; s < segments; s++) pages.u8(random.chance(0.8) ? 255 : random.int(0, 255));
    pages.bytes(payload);
  }
  return {
    label: opus ? 'generated Ogg Opus' : 'generated Ogg Vorbis',
    extension: 'ogg',
    bytes: pages.build(),
  };
}

/** ID3v2 tags with absurd sizes, then MPEG frame syncs with random header bits. */
function mp3(random: SeededRandom): GeneratedAudio {
  const out = new Writer();
  for (let n = random.int(0, 5); n > 0; n--) {
    out.ascii('ID3').u8(random.int(2, 4)).u8(0).u8(random.int(0, 255));
    for (let i = 0; i < 4; i++) out.u8(random.chance(0.5) ? 0x7f : random.int(0, 0x7f));
    out.bytes(random.bytes(random.int(0, 64)));
  }
  for (let n = random.int(0, 40); n > 0; n--) {
    out
      .u8(0xff)
      .u8(0xe0 | random.int(0, 0x1f))
      .u8(random.int(0, 255))
      .u8(random.int(0, 255));
    out.bytes(random.bytes(random.int(0, 1500)));
  }
  return { label: 'generated MP3', extension: 'mp3', bytes: out.build() };
}

function tiny(random: SeededRandom): GeneratedAudio {
  const prefix = random.pick([
    '',
    'R',
    'RIFF',
    'RIFF\u0000\u0000\u0000\u0000WAVE',
    'fLaC',
    'OggS',
    'ID3',
    '\u00ff\u00fb',
  ]);
  return {
    label: 'generated stub',
    extension: random.pick(['wav', 'flac', 'mp3', 'ogg', 'opus']),
    bytes: new Writer()
      .ascii(prefix)
      .bytes(random.bytes(random.int(0, 16)))
      .build(),
  };
}

const GENERATORS = [wav, wav, wav, flac, ogg, mp3, tiny] as const;

/** A file with a generated header whose fields take absurd values (zero, huge, inconsistent sizes and rates). */
export function generateHostileAudio(random: SeededRandom): GeneratedAudio {
  return random.pick(GENERATORS)(random);
}
