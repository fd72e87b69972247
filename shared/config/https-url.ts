import { ConfigError } from '../errors';

/**
 * The one check that a Triton endpoint is an `https://` URL (Triton is only reached over TLS), shared by the
 * runtime configuration, the Triton client and the CDK context; the error names `name`.
 */
export function httpsUrl(name: string, value: string): URL {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    // Reported below with the value given.
  }
  if (url?.protocol !== 'https:') {
    throw new ConfigError(
      `${name} must be an https:// URL (Triton is only reached over TLS), got "${value}"`,
    );
  }
  return url;
}
