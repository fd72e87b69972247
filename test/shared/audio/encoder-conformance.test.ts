/*
 * Conformance against Debian's encoders and reference decoders. Each case generates a signal (a sweep, seeded
 * noise, silence), encodes it with a real tool into a temp dir, and decodes it both with the project's decoder,
 * at the decoded rate so nothing is resampled, and with a reference decoder to raw samples averaged to mono.
 *
 * Sample counts must equal the reference's exactly for every codec: WAV and FLAC record their length; Vorbis
 * and Opus end at the last granule position (Opus less its pre-skip, RFC 7845); MP3 with a LAME tag drops the
 * encoder delay and padding it records. MP3 without the tag records nothing, so decoders return whole frames;
 * there ffmpeg is the reference, as `lame --decode` alone also drops the 529-sample decoder delay. Where the
 * length is recorded it must also be the source's.
 *
 * Values: WAV and FLAC within one least significant bit (plus float32 rounding of the channel average); lossy
 * codecs within 60 dB signal-to-error, since two decoders of one bitstream differ only by rounding and the
 * 16-bit output of oggdec and lame, and any offset of even one sample costs far more. Sources stay at or below
 * -10 dBFS so codec overshoot never clips those 16-bit references.
 *
 * Locally a missing tool skips its cases and names the package; under CI=true it fails them instead.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DecodedAudio } from '../../../shared/audio/audio-types';
import { decodeAudioFile } from '../../../shared/audio/decode-audio';
import { mulberry32 } from '../../../tools/bench/synthetic-emissions';
import {
  averageChannels,
  maxDifference,
  missingTools,
  power,
  quote,
  type RawEncoding,
  readRaw,
  shell,
  snrDb,
  TOOL_PACKAGES,
  type Tool,
} from './encoder-tools';
import { buildWav, type Encoding, encodeSamples } from './wav-fixture';

type SignalKind = 'sweep' | 'noise' | 'silence' | 'lead-silence' | 'tail-silence';

/** The generated signal a case encodes, written as a WAV file in `encoding` for the encoder to read. */
interface Source {
  rate: number;
  channels: number;
  frames: number;
  signal: SignalKind;
  encoding: Encoding;
  /** Top of the sweep, when it must stay inside both resamplers' pass band; 0.45 of the rate otherwise. */
  maxHz?: number;
}

interface Reference {
  tool: Tool;
  command: (input: string, output: string) => string;
  raw: RawEncoding;
}

/** How closely the project's decoder must match the reference decoder's samples. */
type Tolerance =
  /** Lossless: within one least significant bit of `bits`-bit audio. */
  | { bits: number }
  /** Lossy: an error at least `snrDb` below the signal. */
  | { snrDb: number };

interface Case {
  name: string;
  source: Source;
  tools: Tool[];
  extension: string;
  encode: (input: string, output: string, source: Source) => string;
  reference: Reference;
  tolerance: Tolerance;
  /** The rate the codec decodes at when it is not the source's (Opus always decodes at 48 kHz). */
  decodedRate?: number;
  /** False where the file cannot record the source's exact length (MP3 without a LAME tag). */
  gapless?: false;
}

/** Interleaved samples of `source`: a logarithmic sweep or seeded noise per channel, with silence where asked. */
function generate(source: Source): Float64Array {
  const { rate, channels, frames, signal } = source;
  const out = new Float64Array(frames * channels);
  if (signal === 'silence') return out;
  // Seeded, so the noise is the same on every run.
  const random = mulberry32(rate * 31 + channels);
  const low = 50;
  const high = source.maxHz ?? 0.45 * rate;
  const seconds = frames / rate;
  const k = Math.log(high / low);
  const from = signal === 'lead-silence' ? Math.floor(frames * 0.3) : 0;
  const to = signal === 'tail-silence' ? Math.floor(frames * 0.6) : frames;
  for (let i = from; i < to; i++) {
    for (let c = 0; c < channels; c++) {
      const t = i / rate + c * 0.01;
      const value =
        signal === 'noise'
          ? (random() * 2 - 1) * 0.2
          : (0.3 - 0.03 * c) *
            Math.sin(((2 * Math.PI * low * seconds) / k) * (Math.exp((t / seconds) * k) - 1));
      out[i * channels + c] = value;
    }
  }
  return out;
}

function writeSource(path: string, source: Source): void {
  const bits = { u8: 8, s16: 16, s24: 24, s32: 32, f32: 32, f64: 64 }[source.encoding];
  const tag = source.encoding.startsWith('f') ? 3 : 1;
  const fmt = { tag, channels: source.channels, sampleRate: source.rate, bitsPerSample: bits };
  writeFileSync(path, buildWav({ fmt, data: encodeSamples(generate(source), source.encoding) }));
}

const q = quote;

const SOX: Reference = {
  tool: 'sox',
  command: (input, output) => `sox ${q(input)} -t raw -e floating-point -b 32 -L ${q(output)}`,
  raw: 'f32',
};
const flacDecoder = (raw: RawEncoding, ogg = false): Reference => ({
  tool: 'flac',
  command: (input, output) =>
    `flac -d -s -f ${ogg ? '--ogg ' : ''}--force-raw-format --endian=little --sign=signed -o ${q(output)} ${q(input)}`,
  raw,
});
const LAME: Reference = {
  tool: 'lame',
  command: (input, output) => `lame --quiet --decode -t ${q(input)} ${q(output)}`,
  raw: 's16',
};
const OGGDEC: Reference = {
  tool: 'oggdec',
  command: (input, output) => `oggdec -Q -R -b 16 -o ${q(output)} ${q(input)}`,
  raw: 's16',
};
const OPUSDEC: Reference = {
  tool: 'opusdec',
  command: (input, output) => `opusdec --quiet --float --rate 48000 ${q(input)} ${q(output)}`,
  raw: 'f32',
};
const FFMPEG: Reference = {
  tool: 'ffmpeg',
  command: (input, output) => `ffmpeg -v error -y -i ${q(input)} -f f32le ${q(output)}`,
  raw: 'f32',
};

/** sox options for headerless float32 samples of `s` on stdin: input whose length nothing declares. */
const rawFloatInput = (s: Source) => `-t raw -r ${s.rate} -c ${s.channels} -e floating-point -b 32`;

/** A source of `frames` samples per channel, half a second unless given. */
function source(
  rate: number,
  channels: number,
  signal: SignalKind,
  encoding: Encoding,
  frames?: number,
): Source {
  return { rate, channels, signal, encoding, frames: frames ?? Math.round(rate / 2) };
}

const LOSSLESS_16 = { bits: 16 };
const LOSSLESS_24 = { bits: 24 };
const LOSSY = { snrDb: 60 };

const CASES: Case[] = [
  // WAV written by sox: every integer and float width. 32-bit and float sources compare at 24 bits, the
  // precision of the float32 samples both sides end in.
  ...(
    [
      ['u8 mono 8 kHz', 8000, 1, 'sweep', '-e unsigned -b 8', 8],
      ['s16 stereo 16 kHz', 16_000, 2, 'noise', '-b 16', 16],
      ['s24 5.1 48 kHz', 48_000, 6, 'sweep', '-b 24', 24],
      ['s32 stereo 44.1 kHz', 44_100, 2, 'sweep', '-b 32', 24],
      ['f32 mono 22.05 kHz', 22_050, 1, 'noise', '-e floating-point -b 32', 24],
      ['f64 5.1 32 kHz', 32_000, 6, 'sweep', '-e floating-point -b 64', 24],
      ['s16 mono 11.025 kHz, silence throughout', 11_025, 1, 'silence', '-b 16', 16],
      ['s16 stereo 48 kHz, silence at the start', 48_000, 2, 'lead-silence', '-b 16', 16],
      ['s16 stereo 24 kHz, silence at the end', 24_000, 2, 'tail-silence', '-b 16', 16],
    ] as const
  ).map(
    ([name, rate, channels, signal, options, bits]): Case => ({
      name: `sox WAV ${name}`,
      source: source(rate, channels, signal, 'f32'),
      tools: ['sox'],
      extension: 'wav',
      encode: (input, output) => `sox ${q(input)} ${options} ${q(output)}`,
      reference: SOX,
      tolerance: { bits },
    }),
  ),
  {
    name: 'sox WAV s16 mono 16 kHz, a single sample',
    source: source(16_000, 1, 'noise', 'f32', 1),
    tools: ['sox'],
    extension: 'wav',
    encode: (input, output) => `sox ${q(input)} -b 16 ${q(output)}`,
    reference: SOX,
    tolerance: LOSSLESS_16,
  },
  {
    name: 'sox WAV s16 stereo 44.1 kHz to a pipe (placeholder sizes)',
    source: source(44_100, 2, 'sweep', 'f32'),
    tools: ['sox'],
    extension: 'wav',
    encode: (input, output, s) =>
      `sox ${q(input)} -t raw - | sox ${rawFloatInput(s)} - -t wav -b 16 - > ${q(output)}`,
    reference: SOX,
    tolerance: LOSSLESS_16,
  },
  {
    name: 'sox WAV s24 mono 8 kHz to a pipe (extensible, placeholder sizes)',
    source: source(8000, 1, 'noise', 'f32'),
    tools: ['sox'],
    extension: 'wav',
    encode: (input, output, s) =>
      `sox ${q(input)} -t raw - | sox ${rawFloatInput(s)} - -t wav -b 24 - > ${q(output)}`,
    reference: SOX,
    tolerance: LOSSLESS_24,
  },
  // WAV written by ffmpeg: a LIST chunk before the data, extensible headers, 0xFFFFFFFF sizes on a pipe.
  {
    name: 'ffmpeg WAV s16 stereo 44.1 kHz',
    source: source(44_100, 2, 'sweep', 'f32'),
    tools: ['ffmpeg', 'sox'],
    extension: 'wav',
    encode: (input, output) => `ffmpeg -v error -y -i ${q(input)} -c:a pcm_s16le ${q(output)}`,
    reference: SOX,
    tolerance: LOSSLESS_16,
  },
  {
    name: 'ffmpeg WAV s24 5.1 48 kHz',
    source: source(48_000, 6, 'noise', 'f32'),
    tools: ['ffmpeg', 'sox'],
    extension: 'wav',
    encode: (input, output) => `ffmpeg -v error -y -i ${q(input)} -c:a pcm_s24le ${q(output)}`,
    reference: SOX,
    tolerance: LOSSLESS_24,
  },
  {
    name: 'ffmpeg WAV f32 mono 16 kHz to a pipe (unknown sizes)',
    source: source(16_000, 1, 'sweep', 'f32'),
    tools: ['ffmpeg'],
    extension: 'wav',
    encode: (input, output) => `ffmpeg -v error -i ${q(input)} -c:a pcm_f32le -f wav - > ${q(output)}`,
    reference: FFMPEG,
    tolerance: LOSSLESS_24,
  },
  // FLAC written by libFLAC's own tool.
  ...(
    [
      ['s16 stereo 44.1 kHz', source(44_100, 2, 'sweep', 's16')],
      ['s24 mono 48 kHz', source(48_000, 1, 'noise', 's24')],
      ['s16 5.1 48 kHz', source(48_000, 6, 'sweep', 's16')],
      ['s16 mono 8 kHz', source(8000, 1, 'sweep', 's16')],
      ['s16 stereo 22.05 kHz, silence at the start', source(22_050, 2, 'lead-silence', 's16')],
      ['s16 mono 16 kHz, silence at the end', source(16_000, 1, 'tail-silence', 's16', 16_000)],
      ['s24 stereo 32 kHz, silence at the end', source(32_000, 2, 'tail-silence', 's24', 30_000)],
      ['s16 mono 11.025 kHz, silence throughout', source(11_025, 1, 'silence', 's16')],
      ['s16 stereo 44.1 kHz, shorter than one block', source(44_100, 2, 'noise', 's16', 100)],
    ] as const
  ).map(
    ([name, s]): Case => ({
      name: `flac ${name}`,
      source: s,
      tools: ['flac'],
      extension: 'flac',
      // The source WAV names no speaker layout, which flac wants for more than two channels.
      encode: (input, output) => `flac -s -f -8 --channel-map=none -o ${q(output)} ${q(input)}`,
      reference: flacDecoder(s.encoding === 's24' ? 's24' : 's16'),
      tolerance: s.encoding === 's24' ? LOSSLESS_24 : LOSSLESS_16,
    }),
  ),
  {
    name: 'flac s16 stereo 16 kHz to a pipe from raw input (no sample count)',
    source: source(16_000, 2, 'tail-silence', 's16'),
    tools: ['flac', 'sox'],
    extension: 'flac',
    encode: (input, output, s) =>
      `sox ${q(input)} -t raw - | flac -s --force-raw-format --endian=little --sign=signed ` +
      `--channels=${s.channels} --bps=16 --sample-rate=${s.rate} -c - > ${q(output)}`,
    reference: flacDecoder('s16'),
    tolerance: LOSSLESS_16,
  },
  {
    name: 'flac Ogg FLAC s16 stereo 44.1 kHz, silence at the end',
    source: source(44_100, 2, 'tail-silence', 's16'),
    tools: ['flac'],
    extension: 'oga',
    encode: (input, output) => `flac -s -f --ogg -o ${q(output)} ${q(input)}`,
    reference: flacDecoder('s16', true),
    tolerance: LOSSLESS_16,
  },
  {
    name: 'flac s16 mono 44.1 kHz, 200 s ending in silence (long)',
    source: source(44_100, 1, 'tail-silence', 's16', 200 * 44_100 + 1234),
    tools: ['flac'],
    extension: 'flac',
    encode: (input, output) => `flac -s -f -5 -o ${q(output)} ${q(input)}`,
    reference: flacDecoder('s16'),
    tolerance: LOSSLESS_16,
  },
  // FLAC written by sox (libFLAC with sox's settings) and by ffmpeg's own encoder (4608-sample blocks).
  ...(
    [
      ['sox', 's16 mono 16 kHz, silence at the end', source(16_000, 1, 'tail-silence', 's16', 49_774)],
      ['sox', 's24 stereo 48 kHz, silence at the end', source(48_000, 2, 'tail-silence', 's24')],
      ['ffmpeg', 's16 mono 16 kHz, silence at the end', source(16_000, 1, 'tail-silence', 's16', 49_774)],
      ['ffmpeg', 's16 stereo 44.1 kHz', source(44_100, 2, 'noise', 's16')],
    ] as const
  ).map(
    ([tool, name, s]): Case => ({
      name: `${tool} FLAC ${name}`,
      source: s,
      tools: [tool, 'flac'],
      extension: 'flac',
      encode: (input, output) =>
        tool === 'sox'
          ? `sox ${q(input)} ${q(output)}`
          : `ffmpeg -v error -y -i ${q(input)} -c:a flac ${q(output)}`,
      reference: flacDecoder(s.encoding === 's24' ? 's24' : 's16'),
      tolerance: s.encoding === 's24' ? LOSSLESS_24 : LOSSLESS_16,
    }),
  ),
  // MP3 written by LAME with its gapless (LAME tag) header, which every decoder here honours.
  ...(
    [
      ['128 kbit/s stereo 44.1 kHz', source(44_100, 2, 'sweep', 's16'), '-b 128'],
      ['VBR stereo 48 kHz', source(48_000, 2, 'noise', 's16'), '-V 2'],
      ['64 kbit/s mono 16 kHz (MPEG-2)', source(16_000, 1, 'sweep', 's16'), '-b 64'],
      ['32 kbit/s mono 8 kHz (MPEG-2.5)', source(8000, 1, 'sweep', 's16'), '-b 32'],
      ['mono 24 kHz, silence at the end', source(24_000, 1, 'tail-silence', 's16'), '-b 64'],
      ['stereo 44.1 kHz, silence throughout', source(44_100, 2, 'silence', 's16'), '-b 128'],
      ['stereo 44.1 kHz, shorter than one frame', source(44_100, 2, 'noise', 's16', 100), '-b 128'],
    ] as const
  ).map(
    ([name, s, options]): Case => ({
      name: `lame MP3 ${name}`,
      source: s,
      tools: ['lame'],
      extension: 'mp3',
      encode: (input, output) => `lame --quiet ${options} ${q(input)} ${q(output)}`,
      reference: LAME,
      tolerance: LOSSY,
    }),
  ),
  // MP3 without the tag: nothing records the encoder's delay and padding, so decoders return whole frames.
  // `lame --decode` also drops the 529-sample decoder delay there, which mpg123 and ffmpeg keep: ffmpeg is the
  // reference for these.
  {
    name: 'lame MP3 stereo 44.1 kHz to a pipe (no LAME tag)',
    source: source(44_100, 2, 'sweep', 's16'),
    tools: ['lame', 'ffmpeg'],
    extension: 'mp3',
    encode: (input, output) => `lame --quiet -b 128 - - < ${q(input)} > ${q(output)}`,
    reference: FFMPEG,
    tolerance: LOSSY,
    gapless: false,
  },
  {
    name: 'lame MP3 16 kbit/s mono 8 kHz (frames too small for the LAME tag)',
    source: source(8000, 1, 'lead-silence', 's16'),
    tools: ['lame', 'ffmpeg'],
    extension: 'mp3',
    encode: (input, output) => `lame --quiet -b 16 ${q(input)} ${q(output)}`,
    reference: FFMPEG,
    tolerance: LOSSY,
    gapless: false,
  },
  {
    name: 'ffmpeg MP3 (libmp3lame) stereo 44.1 kHz',
    source: source(44_100, 2, 'sweep', 's16'),
    tools: ['ffmpeg'],
    extension: 'mp3',
    encode: (input, output) => `ffmpeg -v error -y -i ${q(input)} -c:a libmp3lame -b:a 128k ${q(output)}`,
    reference: FFMPEG,
    tolerance: LOSSY,
  },
  // Ogg Vorbis written by libvorbis through oggenc and ffmpeg.
  ...(
    [
      ['stereo 44.1 kHz', source(44_100, 2, 'sweep', 's16')],
      ['mono 16 kHz', source(16_000, 1, 'noise', 's16')],
      ['5.1 48 kHz', source(48_000, 6, 'sweep', 's16')],
      ['mono 8 kHz', source(8000, 1, 'sweep', 's16')],
      ['stereo 22.05 kHz, silence at the end', source(22_050, 2, 'tail-silence', 's16')],
      ['mono 44.1 kHz, silence throughout', source(44_100, 1, 'silence', 's16')],
      ['stereo 48 kHz, shorter than one block', source(48_000, 2, 'noise', 's16', 100)],
    ] as const
  ).map(
    ([name, s]): Case => ({
      name: `oggenc Vorbis ${name}`,
      source: s,
      tools: ['oggenc', 'oggdec'],
      extension: 'ogg',
      encode: (input, output) => `oggenc -Q -q 3 -o ${q(output)} ${q(input)}`,
      reference: OGGDEC,
      tolerance: LOSSY,
    }),
  ),
  {
    name: 'oggenc Vorbis stereo 32 kHz to a pipe from raw input',
    source: source(32_000, 2, 'lead-silence', 's16'),
    tools: ['oggenc', 'oggdec', 'sox'],
    extension: 'ogg',
    encode: (input, output, s) =>
      `sox ${q(input)} -t raw - | oggenc -Q -r -B 16 -C ${s.channels} -R ${s.rate} -o - - > ${q(output)}`,
    reference: OGGDEC,
    tolerance: LOSSY,
  },
  {
    name: 'ffmpeg Vorbis (libvorbis) stereo 44.1 kHz',
    source: source(44_100, 2, 'sweep', 's16'),
    tools: ['ffmpeg', 'oggdec'],
    extension: 'ogg',
    encode: (input, output) => `ffmpeg -v error -y -i ${q(input)} -c:a libvorbis -q:a 3 ${q(output)}`,
    // ffmpeg's own Vorbis decoder ignores the end granule position and returns the last block whole.
    reference: OGGDEC,
    tolerance: LOSSY,
  },
  // Ogg Opus written by libopus through opusenc and ffmpeg; Opus always decodes at 48 kHz.
  ...(
    [
      ['stereo 48 kHz', source(48_000, 2, 'sweep', 's16')],
      ['mono 16 kHz', source(16_000, 1, 'noise', 's16')],
      ['5.1 48 kHz', source(48_000, 6, 'sweep', 's16')],
      ['mono 8 kHz', source(8000, 1, 'sweep', 's16')],
      ['stereo 44.1 kHz, silence at the end', source(44_100, 2, 'tail-silence', 's16')],
      ['stereo 48 kHz, silence at the start', source(48_000, 2, 'lead-silence', 's16')],
      ['mono 48 kHz, silence throughout', source(48_000, 1, 'silence', 's16')],
      ['mono 48 kHz, shorter than one frame', source(48_000, 1, 'noise', 's16', 100)],
    ] as const
  ).map(
    ([name, s]): Case => ({
      name: `opusenc Opus ${name}`,
      source: s,
      tools: ['opusenc', 'opusdec'],
      extension: 'opus',
      encode: (input, output) => `opusenc --quiet --bitrate 96 ${q(input)} ${q(output)}`,
      reference: OPUSDEC,
      tolerance: LOSSY,
      decodedRate: 48_000,
    }),
  ),
  {
    name: 'opusenc Opus stereo 48 kHz to a pipe',
    source: source(48_000, 2, 'sweep', 's16'),
    tools: ['opusenc', 'opusdec'],
    extension: 'opus',
    encode: (input, output) => `opusenc --quiet --bitrate 96 - - < ${q(input)} > ${q(output)}`,
    reference: OPUSDEC,
    tolerance: LOSSY,
    decodedRate: 48_000,
  },
  {
    name: 'ffmpeg Opus (libopus) stereo 48 kHz',
    source: source(48_000, 2, 'sweep', 's16'),
    tools: ['ffmpeg', 'opusdec'],
    extension: 'opus',
    encode: (input, output) => `ffmpeg -v error -y -i ${q(input)} -c:a libopus -b:a 96k ${q(output)}`,
    reference: OPUSDEC,
    tolerance: LOSSY,
    decodedRate: 48_000,
  },
];

/** Room for float32 rounding in the channel average, which the project sums in float32. */
const AVERAGE_ROUNDING = 2 ** -22;
/** Mean square below which a lossy reference counts as silence, where a signal-to-error ratio means nothing. */
const SILENCE_POWER = 1e-8;
/** What two decoders of encoded silence may differ by: a couple of 16-bit steps of codec noise and rounding. */
const SILENCE_DIFFERENCE = 2 ** -14;

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'encoder-conformance-'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.each(CASES)('$name', (c) => {
  const missing = missingTools(c.tools);
  if (missing.length > 0) {
    const packages = [...new Set(missing.map((tool) => TOOL_PACKAGES[tool]))].join(' ');
    it.skip(`needs ${missing.join(', ')} (apt-get install ${packages})`, () => {});
    return;
  }
  let ours: DecodedAudio;
  let reference: Float64Array;

  beforeAll(async () => {
    // Prepare
    const stem = join(dir, c.name.replace(/[^A-Za-z0-9]+/g, '-'));
    const input = `${stem}-source.wav`;
    const encoded = `${stem}.${c.extension}`;
    const raw = `${stem}-reference.raw`;
    writeSource(input, c.source);
    await shell(c.encode(input, encoded, c.source));
    await shell(c.reference.command(encoded, raw));
    reference = averageChannels(readRaw(readFileSync(raw), c.reference.raw), c.source.channels);

    // Act: at the decoded rate, so the samples are compared before any resampling.
    ours = await decodeAudioFile(encoded, {
      targetSampleRate: c.decodedRate ?? c.source.rate,
      maxDurationSec: 3600,
      timeoutMs: 30_000,
    });
  }, 120_000);

  it('reports the source channels and the decoded rate', () => {
    // Assess
    expect({ channels: ours.info.channels, rate: ours.info.sampleRate }).toEqual({
      channels: c.source.channels,
      rate: c.decodedRate ?? c.source.rate,
    });
  });

  it(`decodes exactly as many samples as ${c.reference.tool}`, () => {
    // Assess
    expect(ours.samples.length).toBe(reference.length);
  });

  if (c.gapless !== false) {
    it('decodes exactly the length of the source signal', () => {
      // Assess: Opus files hold the length the encoder resampled to 48 kHz.
      const rate = c.decodedRate ?? c.source.rate;
      expect(ours.samples.length).toBe(Math.round((c.source.frames * rate) / c.source.rate));
    });
  }

  it(`decodes the same sample values as ${c.reference.tool}`, () => {
    // Assess
    const length = Math.min(ours.samples.length, reference.length);
    if ('bits' in c.tolerance) {
      const lsb = 2 ** (1 - c.tolerance.bits);
      expect(maxDifference(ours.samples, reference, length)).toBeLessThanOrEqual(lsb + AVERAGE_ROUNDING);
    } else if (power(reference) > SILENCE_POWER) {
      expect(snrDb(ours.samples, reference, length)).toBeGreaterThanOrEqual(c.tolerance.snrDb);
    } else {
      expect(maxDifference(ours.samples, reference, length)).toBeLessThanOrEqual(SILENCE_DIFFERENCE);
    }
  });
});

describe('end to end at the 16 kHz model rate', () => {
  const tools: Tool[] = ['flac', 'sox'];
  const missing = missingTools(tools);
  const run = missing.length === 0 ? it : it.skip;

  run('resamples a 44.1 kHz stereo FLAC to what sox makes of it, to within 40 dB', async () => {
    // Prepare: a sweep below 6 kHz, inside both resamplers' pass band.
    const s = { ...source(44_100, 2, 'sweep', 's16'), maxHz: 6000 };
    const input = join(dir, 'end-to-end.wav');
    const encoded = join(dir, 'end-to-end.flac');
    const raw = join(dir, 'end-to-end.raw');
    writeSource(input, s);
    await shell(`flac -s -f -o ${q(encoded)} ${q(input)}`);
    await shell(`sox ${q(encoded)} -t raw -e floating-point -b 32 -L -c 1 ${q(raw)} rate -v 16000`);
    const expected = readRaw(readFileSync(raw), 'f32');

    // Act
    const decoded = await decodeAudioFile(encoded, {
      targetSampleRate: 16_000,
      maxDurationSec: 60,
      timeoutMs: 30_000,
    });

    // Assess
    expect(decoded.samples.length).toBe(expected.length);
    expect(snrDb(decoded.samples, expected, expected.length)).toBeGreaterThanOrEqual(40);
  });
});
