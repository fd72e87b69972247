import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';

/**
 * Instruction-set extensions that give ONNX Runtime's int8 GEMM a fused 8-bit dot product accumulating in int32,
 * fastest first: x86's AMX and VNNI, Arm's I8MM and dot-product extension (Graviton 2 and later).
 */
const INT8_DOT_FLAGS = ['amx_int8', 'avx512_vnni', 'avx_vnni', 'i8mm', 'asimddp'] as const;

/** What a CPU offers int8 matrix products, as far as /proc/cpuinfo tells. */
export interface CpuInt8Support {
  model: string;
  /** False when there was no flags line to read (not Linux): nothing below is known then. */
  flagsKnown: boolean;
  simd: 'AVX-512' | 'AVX2' | 'SSE' | 'NEON';
  /** The fused int8 dot-product extensions present, fastest first; empty means vpmaddubsw + vpmaddwd. */
  dotProducts: string[];
}

/** The CPU's int8 support read from /proc/cpuinfo text (the running machine's by default). */
export function cpuInt8Support(cpuinfo: string = readCpuinfo()): CpuInt8Support {
  // x86 lists its extensions under "flags", Arm under "Features".
  const flags = new Set(
    (cpuinfoField(cpuinfo, 'flags') ?? cpuinfoField(cpuinfo, 'Features'))?.split(/\s+/) ?? [],
  );
  return {
    model: cpuinfoField(cpuinfo, 'model name') || cpus()[0]?.model.trim() || 'unknown CPU',
    flagsKnown: flags.size > 0,
    simd: flags.has('avx512bw')
      ? 'AVX-512'
      : flags.has('avx2')
        ? 'AVX2'
        : flags.has('asimd')
          ? 'NEON'
          : 'SSE',
    dotProducts: INT8_DOT_FLAGS.filter((flag) => flags.has(flag)),
  };
}

/**
 * One line naming the CPU and the int8 dot-product support it offers, so int8 speed-ups can be read against the
 * hardware: without VNNI (or AMX) MLAS multiplies int8 with vpmaddubsw + vpmaddwd and gains far less over fp32.
 */
export function describeCpuInt8(support: CpuInt8Support): string {
  const { model, flagsKnown, simd, dotProducts } = support;
  if (!flagsKnown) return `${model}; instruction-set flags unknown`;
  return dotProducts.length > 0
    ? `${model}; ${simd} with int8 dot products (${dotProducts.join(', ')})`
    : simd === 'NEON'
      ? `${model}; NEON without the dot-product extension`
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
