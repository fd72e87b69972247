/** Debian's command-line encoders and decoders, run from tests to make and check real-world files. */
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** Each tool's command and the Debian package it comes from (listed in .ci/apt-packages). */
export const TOOL_PACKAGES = {
  sox: 'sox',
  flac: 'flac',
  lame: 'lame',
  oggenc: 'vorbis-tools',
  oggdec: 'vorbis-tools',
  opusenc: 'opus-tools',
  opusdec: 'opus-tools',
  ffmpeg: 'ffmpeg',
} as const;

export type Tool = keyof typeof TOOL_PACKAGES;

function onPath(command: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, command), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * The tools in `needed` that are not installed. Under CI=true a missing tool throws instead, so CI never
 * passes by skipping what it was meant to check; locally the caller skips and names what to install.
 */
export function missingTools(needed: readonly Tool[]): Tool[] {
  const missing = needed.filter((tool) => !onPath(tool));
  if (missing.length > 0 && process.env.CI === 'true') {
    const packages = [...new Set(missing.map((tool) => TOOL_PACKAGES[tool]))].join(' ');
    throw new Error(`CI=true but ${missing.join(', ')} not installed: add ${packages} to .ci/apt-packages`);
  }
  return missing;
}

/** Quotes a path for bash; test paths come from mkdtemp, but quoting keeps any directory name safe. */
export function quote(path: string): string {
  return `'${path.replaceAll("'", `'\\''`)}'`;
}

/** Runs a bash command line (pipes allowed; any failing stage fails it), with the tools' chatter kept for errors. */
export async function shell(command: string): Promise<void> {
  try {
    await execFileAsync('bash', ['-o', 'pipefail', '-c', command], { maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`command failed: ${command}\n${stderr}`);
  }
}

/** Sample layouts that reference decoders write as headerless little-endian PCM. */
export type RawEncoding = 's16' | 's24' | 'f32';

/** Interleaved raw PCM bytes as float64 values in [-1, 1). */
export function readRaw(bytes: Uint8Array, encoding: RawEncoding): Float64Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const width = { s16: 2, s24: 3, f32: 4 }[encoding];
  const out = new Float64Array(Math.floor(bytes.length / width));
  for (let i = 0, at = 0; i < out.length; i++, at += width) {
    if (encoding === 'f32') out[i] = view.getFloat32(at, true);
    else if (encoding === 's16') out[i] = view.getInt16(at, true) / 32768;
    else out[i] = (view.getUint8(at) | (view.getUint8(at + 1) << 8) | (view.getInt8(at + 2) << 16)) / 8388608;
  }
  return out;
}

/** Averages interleaved channels into mono, as the project's decoder does, in float64. */
export function averageChannels(interleaved: Float64Array, channels: number): Float64Array {
  const frames = Math.floor(interleaved.length / channels);
  const mono = new Float64Array(frames);
  for (let frame = 0; frame < frames; frame++) {
    let sum = 0;
    for (let channel = 0; channel < channels; channel++) sum += interleaved[frame * channels + channel]!;
    mono[frame] = sum / channels;
  }
  return mono;
}

/** Largest absolute difference over the first `length` samples of two signals. */
export function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>, length: number): number {
  let max = 0;
  for (let i = 0; i < length; i++) {
    const difference = Math.abs(a[i]! - b[i]!);
    if (difference > max) max = difference;
  }
  return max;
}

/** Signal-to-error ratio in dB of `actual` against `reference` over their first `length` samples. */
export function snrDb(actual: ArrayLike<number>, reference: ArrayLike<number>, length: number): number {
  let signal = 0;
  let error = 0;
  for (let i = 0; i < length; i++) {
    const r = reference[i]!;
    const e = actual[i]! - r;
    signal += r * r;
    error += e * e;
  }
  if (error === 0) return Number.POSITIVE_INFINITY;
  return 10 * Math.log10(signal / error);
}

/** Mean square of a signal. */
export function power(samples: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < samples.length; i++) sum += samples[i]! * samples[i]!;
  return samples.length === 0 ? 0 : sum / samples.length;
}
