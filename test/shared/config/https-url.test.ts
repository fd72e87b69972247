import { httpsUrl } from '../../../shared/config/https-url';
import { ConfigError } from '../../../shared/errors';

describe('httpsUrl', () => {
  it('returns the parsed URL of an https:// endpoint', () => {
    // Act
    const url = httpsUrl('TRITON_URL', 'https://triton.internal:8443/base');

    // Assess
    expect(url.host).toBe('triton.internal:8443');
    expect(url.pathname).toBe('/base');
  });

  it.each([
    ['plain http', 'http://triton.internal:8000'],
    ['no URL at all', 'triton.internal:8443'],
    ['an empty string', ''],
  ])('refuses %s with a CONFIG error naming the setting', (_, value) => {
    // Act
    const check = () => httpsUrl('tritonUrl', value);

    // Assess
    expect(check).toThrow(ConfigError);
    expect(check).toThrow(
      `tritonUrl must be an https:// URL (Triton is only reached over TLS), got "${value}"`,
    );
  });
});
