import { type ActivityLayout, type ClassifiedKey, classifyInputKey, keyDigest } from './activity-layout';

/** Where inputs, results and failure records live in the bucket (docs/s3-layout.md). */
export interface BucketPrefixes {
  incomingPrefix: string;
  resultsPrefix: string;
  failedPrefix: string;
}

/** S3's key limit in UTF-8 bytes. */
const MAX_KEY_BYTES = 1024;
/** The longest suffix the pipeline appends to an input's name (a result format's extension). */
const LONGEST_SUFFIX = '.TextGrid';

/**
 * The bucket's layout: `incoming/<path>/<file>` → `results/<name>.<format>`, `failed/<name>.json`, where
 * `<name>` is the input's name (`<path>/<stem>` for a `.wav`, else the whole `<path>/<file>`; `outputName`).
 */
export function bucketLayout(prefixes: BucketPrefixes): ActivityLayout {
  return {
    classify: (key) => classifyKey(key, prefixes),
    inputKey: (stem, extension) => `${prefixes.incomingPrefix}${stem}.${extension}`,
    resultKey: (input, extension) => `${prefixes.resultsPrefix}${input.name}${extension}`,
    failureKey: (input) => `${prefixes.failedPrefix}${input.name}.json`,
    rejectedFailureKey: (key) => `${prefixes.failedPrefix}_rejected/${keyDigest(key)}.json`,
  };
}

/**
 * Sorts an (untrusted, decoded) key. The pipeline's own outputs (results and failure records) and files of
 * another type are ignored; keys elsewhere outside the incoming prefix, with `.`/`..`/empty segments or
 * control characters, or too long for their result keys to fit S3's limit are rejected.
 */
export function classifyKey(key: string, prefixes: BucketPrefixes): ClassifiedKey {
  // Never answer our own writes: a failure record for a result would trigger another event, and so on.
  if (key.startsWith(prefixes.resultsPrefix) || key.startsWith(prefixes.failedPrefix)) {
    return { kind: 'ignored', reason: 'an output of the pipeline' };
  }
  if (!key.startsWith(prefixes.incomingPrefix)) {
    return { kind: 'rejected', reason: `the key is outside ${prefixes.incomingPrefix}` };
  }
  const classified = classifyInputKey(key.slice(prefixes.incomingPrefix.length));
  if (classified.kind !== 'audio' && classified.kind !== 'transcript') return classified;
  const longestPrefix = [prefixes.resultsPrefix, prefixes.failedPrefix].reduce((a, b) =>
    a.length > b.length ? a : b,
  );
  if (Buffer.byteLength(longestPrefix + classified.name + LONGEST_SUFFIX) > MAX_KEY_BYTES) {
    return {
      kind: 'rejected',
      reason: `the key is too long: its result keys would exceed S3's ${MAX_KEY_BYTES} bytes`,
    };
  }
  return classified;
}
