import { posix, sep } from 'node:path';

/**
 * A URL reference from a page to a file, both given as paths of the same kind (local paths, or S3 keys
 * with `/`): relative, each segment percent-encoded, so a hostile file name cannot break out of the URL.
 */
export function relativeHref(pagePath: string, targetPath: string, separator: string = sep): string {
  const toPosix = (path: string): string => (separator === '/' ? path : path.split(separator).join('/'));
  const relative = posix.relative(posix.dirname(toPosix(pagePath)), toPosix(targetPath));
  return relative.split('/').map(encodeURIComponent).join('/');
}
