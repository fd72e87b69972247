import { cpuInt8Support, describeCpuInt8 } from '../../../shared/inference/cpu-int8-support';

describe('describeCpuInt8', () => {
  it('says an AVX2 CPU without VNNI multiplies int8 with vpmaddubsw', () => {
    // Prepare
    const cpuinfo =
      'processor\t: 0\nmodel name\t: AMD EPYC 7B13\nflags\t\t: fpu sse sse2 avx fma avx2 bmi2\n';

    // Act
    const line = describeCpuInt8(cpuInt8Support(cpuinfo));

    // Assess
    expect(line).toBe('AMD EPYC 7B13; AVX2 without VNNI or AMX (int8 GEMM via vpmaddubsw)');
  });

  it('names every int8 dot-product extension present, fastest first', () => {
    // Prepare
    const cpuinfo = 'flags : avx2 avx512f avx512bw avx_vnni avx512_vnni amx_tile amx_int8\n';

    // Act
    const line = describeCpuInt8(cpuInt8Support(cpuinfo));

    // Assess
    expect(line).toMatch(/; AVX-512 with int8 dot products \(amx_int8, avx512_vnni, avx_vnni\)$/);
  });

  it('says the flags are unknown when there is no cpuinfo', () => {
    // Act
    const line = describeCpuInt8(cpuInt8Support(''));

    // Assess
    expect(line).toMatch(/; instruction-set flags unknown$/);
  });
});
