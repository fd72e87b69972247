import { decodeBase64 } from '../../../../../shared/output/viewer/page/base64';

describe('decodeBase64', () => {
  it('returns the bytes a base64 text encodes, all 256 values included', () => {
    // Prepare
    const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);

    // Act
    const decoded = decodeBase64(Buffer.from(bytes).toString('base64'));

    // Assess
    expect(decoded).toEqual(bytes);
  });
});
