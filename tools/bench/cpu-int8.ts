import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';

/** Instruction-set extensions that give ONNX Runtime's int8 GEMM a fused 8-bit dot product, fastest first. */
const INT8_DOT_FLAGS = ['amx_int8', 'avx512_vnni', 'avx_vnni'] as const;

/**
 * One line naming the CPU and the int8 dot-product support it offers, so int8 speed-ups can be read against the
 * hardware: without VNNI (or AMX) MLAS multiplies int8 with vpmaddubsw + vpmaddwd and gains far less over fp32.
 */
export function describeCpuInt8(cpuinfo: string = readCpuinfo()): string {
  const flags = new Set(cpuinfoField(cpuinfo, 'flags')?.split(/\s+/) ?? []);
  const model = cpuinfoField(cpuinfo, 'model name') || cpus()[0]?.model.trim() || 'unknown CPU';
  if (flags.size === 0) return `${model}; instruction-set flags unknown`;
  const dot = INT8_DOT_FLAGS.filter((flag) => flags.has(flag));
  const simd = flags.has('avx512bw') ? 'AVX-512' : flags.has('avx2') ? 'AVX2' : 'SSE';
  return dot.length > 0
    ? `${model}; ${simd} with int8 dot products (${dot.join(', ')})`
    : `${model}; ${simd} without VNNI or AMX (int8 GEMM via vpmaddubsw)`;
}

/** The first `name : value` line of /proc/cpuinfo, trimmed; undefined when absent. */
function cpuinfoField(cpuinfo: string, name: string): string | undefined {
  return new RegExp(`^${name}\\s*:(.*)$`, 'm').exec(cpuinfo)?.[1]?.trim();
}

function readCpuinfo(): string {
  try {
    return readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    // Not Linux: the line says the flags are unknown rather than guessing.
    return '';
  }
}
