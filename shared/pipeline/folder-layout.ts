import { type ActivityLayout, classifyInputKey, keyDigest } from './activity-layout';

/** Results are `<name>.align.<ext>`, so they never collide with a `<name>.json` descriptor beside the audio. */
const RESULT_INFIX = '.align';
/** A failed file's record, where its results would be. */
const FAILURE_SUFFIX = '.error.json';
/** The folder's own JSON outputs, which would otherwise look like descriptors. */
const OWN_OUTPUT = /\.(?:align|error)\.json$/i;

/**
 * `align-dir`'s layout, the one its users' folders already have: keys are paths below the folder; results are
 * `<name>.align.<ext>` and failure records `<name>.error.json`, in the results folder (the input folder itself,
 * or `--out`, which mirrors its subfolders). `<name>` is the bucket's (`outputName`): `talk` for `talk.wav`,
 * `talk.flac` for `talk.flac`, so two files of one stem never share a result.
 */
export function folderLayout(): ActivityLayout {
  return {
    classify(key) {
      const classified = classifyInputKey(key);
      if (classified.kind === 'transcript' && OWN_OUTPUT.test(key)) {
        return { kind: 'ignored', reason: 'an output of the pipeline' };
      }
      return classified;
    },
    inputKey: (stem, extension) => `${stem}.${extension}`,
    resultKey: (input, extension) => `${input.name}${RESULT_INFIX}${extension}`,
    failureKey: (input) => `${input.name}${FAILURE_SUFFIX}`,
    rejectedFailureKey: (key) => `_rejected/${keyDigest(key)}${FAILURE_SUFFIX}`,
  };
}
