import { cpuInt8Support } from '../../../../shared/inference/cpu-int8-support';
import { INT8_VARIANTS, int8VariantFor } from '../../../../shared/model/quantize/int8-variant';

const cpuinfo = (flagsLine: string) => `processor\t: 0\nmodel name\t: Test CPU\n${flagsLine}\n`;

describe('int8VariantFor', () => {
  it.each([
    ['an x86 CPU with AVX-512 VNNI', 'flags\t\t: fpu sse2 avx2 avx512f avx512bw avx512_vnni'],
    ['an x86 CPU with AVX-VNNI', 'flags\t\t: fpu sse2 avx2 avx_vnni'],
    ['an x86 CPU with AMX', 'flags\t\t: fpu sse2 avx2 avx512f avx512bw amx_int8 amx_tile'],
    ['a Graviton with the Arm dot-product extension', 'Features\t: fp asimd evtstrm aes crc32 asimddp'],
  ])('runs full 8-bit weights and int8 convolutions on %s', (_, flags) => {
    // Act
    const variant = int8VariantFor(cpuInt8Support(cpuinfo(flags)));

    // Assess
    expect(variant).toBe(INT8_VARIANTS['dot-product']);
    expect(variant.options).toEqual({ reduceRange: false, convolutions: true });
  });

  it.each([
    ['an AVX2 CPU without VNNI', 'flags\t\t: fpu sse2 avx fma avx2'],
    ['an Arm CPU without the dot-product extension', 'Features\t: fp asimd evtstrm'],
    ['a CPU whose flags are unknown', ''],
  ])('keeps 7-bit weights and fp32 convolutions on %s', (_, flags) => {
    // Act
    const variant = int8VariantFor(cpuInt8Support(cpuinfo(flags)));

    // Assess
    expect(variant).toBe(INT8_VARIANTS.portable);
    expect(variant.file).toBe('model.int8.onnx');
  });
});
