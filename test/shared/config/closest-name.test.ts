import { closestName } from '../../../shared/config/closest-name';

const KNOWN = ['tritonUrl', 'tritonCertificateArn', 'tritonDomainName', 'cpuMemoryMb'];

describe('closestName', () => {
  it.each([
    ['a name in another case', 'TRITONURL', 'tritonUrl'],
    ['a name with one letter wrong', 'tritonUrk', 'tritonUrl'],
    ['a name with two letters swapped', 'cpuMemroyMb', 'cpuMemoryMb'],
    ['a name without its prefix', 'certificateArn', 'tritonCertificateArn'],
  ])('suggests the known name for %s', (_label, name, expected) => {
    // Act
    const suggested = closestName(name, KNOWN);

    // Assess
    expect(suggested).toBe(expected);
  });

  it.each([
    ['a name far from every known one', 'stackTags'],
    ['a short tail of a known name', 'Url'],
  ])('suggests nothing for %s', (_label, name) => {
    // Act
    const suggested = closestName(name, KNOWN);

    // Assess
    expect(suggested).toBeUndefined();
  });
});
