import { performance } from 'node:perf_hooks';
import { decodeAudioStream } from '../audio/decode-audio';
import { AlignError, InvalidInputError, SourceChangedError } from '../errors';
import type { AcousticModel } from '../inference/acoustic-model';
import type { OutputFormat } from '../output/result';
import { relativeHref } from '../output/viewer/relative-href';
import type { PipelineLog } from '../telemetry/pipeline-logger';
import type { ClassifiedAudio } from './activity-layout';
import type { ActivityOutcome, ResultKeys } from './activity-outcome';
import type { ActivitySettings } from './activity-settings';
import { runAlignJob } from './align-job';
import type { LargeFileHandoff } from './large-file-handoff';
import type { ObjectHead, ObjectLocation, ObjectStore } from './object-store';
import { sourceOf } from './result-source';
import { isResultUpToDate, type SourceVersions, writeResult } from './result-store';
import { changedSource, type ReadSources } from './source-check';
import { type FoundTranscript, passedOverWarning } from './transcript-discovery';

/** Who follows activities as they run (`align-dir`'s progress bar); keyed by the audio's key. */
export interface ActivityProgress {
  /** The activity has work to do (no up-to-date result): it is about to read `bytes` of audio. */
  started(key: string, bytes: number): void;
  /** Inference has done this fraction of the audio, in [0, 1]. */
  advanced(key: string, fraction: number): void;
}

/** What activities share within one process: the store, the (lazily loaded) model, the hand-off and the log. */
export interface ActivityContext {
  store: ObjectStore;
  model: () => Promise<AcousticModel>;
  handoff: LargeFileHandoff | undefined;
  log: PipelineLog;
  settings: ActivitySettings;
  /** The backend `model` runs on; `triton` means this process is the GPU path and keeps every file. */
  backend?: 'cpu' | 'triton';
  progress?: ActivityProgress;
}

/**
 * One audio object to process, with the inputs read for it (checked again before its result is committed);
 * `backend: 'cpu'` keeps it on CPU (the state machine's own CPU branch).
 */
export interface AudioRequest extends ReadSources {
  /** The key classified: its stem finds the transcript, its name files the results. */
  audio: ClassifiedAudio;
  head: ObjectHead;
  force: boolean;
  backend: 'cpu' | 'triton' | undefined;
}

/**
 * One activity once its transcript is known: skip when an up-to-date result exists, hand large files to the
 * state machine, else download, decode, align and commit the results (`commitResult`). Throws AlignError on
 * failure (the caller retries, records and counts failures). The transcript text is logged only at DEBUG.
 */
export async function runAudioActivity(
  context: ActivityContext,
  request: AudioRequest,
): Promise<ActivityOutcome> {
  const { store, settings, log } = context;
  const { bucket, key, head, transcript } = request;
  const versions: SourceVersions = { audioEtag: head.etag, transcriptEtag: transcript?.etag };
  const outputBucket = settings.resultsBucket ?? bucket;
  const keyFor = (extension: string): string => settings.layout.resultKey(request.audio, extension);
  const formats = outputFormats(settings.outputFormats, transcript);
  if (!request.force) {
    const model = settings.sameModelRequired ? await context.model() : undefined;
    const expected = {
      versions,
      formats,
      model: model === undefined ? undefined : { name: model.spec.name, quantized: model.quantized },
    };
    if (await isResultUpToDate(store, outputBucket, keyFor, expected)) {
      return {
        status: 'skipped',
        bucket,
        key,
        reason: 'an up-to-date result exists for these audio and transcript versions',
      };
    }
  }
  log.info('activity started', {
    bucket,
    key,
    size: head.size,
    mode: transcript === undefined ? 'transcribe' : 'align',
    transcriptOrigin: transcript?.origin,
  });
  log.debug('transcript', { key, text: transcript?.text });

  const ignored = request.passedOver.map((passed) => passedOverWarning(passed, transcript));
  for (const warning of ignored)
    log.warn('result document ignored as a descriptor', { bucket, key, warning });
  const warnings: string[] = [];
  const wantsGpu =
    request.backend === 'triton' ||
    (request.backend !== 'cpu' && (settings.useTriton || transcript?.descriptor?.backend === 'triton'));
  const route = (limit: LargeFileLimit): Promise<ActivityOutcome | undefined> =>
    routeLargeFile(context, request, transcript, versions, limit, warnings);
  // The GPU path itself (the state machine's Triton Lambda) has nothing to hand off: it processes every file.
  const runsTriton = context.backend === 'triton';
  if (!runsTriton && (wantsGpu || head.size > settings.largeFile.bytes)) {
    const routed = await route(
      wantsGpu
        ? { kind: 'triton-asked' }
        : { kind: 'bytes', value: head.size, limit: settings.largeFile.bytes },
    );
    if (routed !== undefined) return routed;
  }

  const model = await context.model();
  context.progress?.started(key, head.size);
  const started = performance.now();
  const download = await store.download(bucket, key, head.size, head.etag);
  const audio = await decodeAudioStream(download.body, {
    targetSampleRate: model.spec.sampleRate,
    maxDurationSec: settings.decode.maxDurationSec,
    timeoutMs: settings.decode.timeoutMs,
    streamThresholdBytes: settings.decode.streamThresholdBytes,
    formatHint: key.slice(key.lastIndexOf('.') + 1),
    sizeBytes: download.size,
  });
  const downloadMs = performance.now() - started;
  if (!runsTriton && audio.info.durationSec > settings.largeFile.seconds && warnings.length === 0) {
    const routed = await route({
      kind: 'seconds',
      value: audio.info.durationSec,
      limit: settings.largeFile.seconds,
    });
    if (routed !== undefined) return routed;
  }

  const { progress } = context;
  const result = await runAlignJob(
    {
      audio,
      text: transcript?.text,
      source: sourceOf(store, request, transcript),
      downloadMs,
      onProgress:
        progress === undefined
          ? undefined
          : (done, total) => progress.advanced(key, done / Math.max(1, total)),
    },
    model,
    settings.align,
  );
  result.warnings.push(...ignored, ...warnings);
  const resultKeys = await commitResult(context, request, () =>
    writeResult(store, outputBucket, keyFor, result, formats, versions, {
      samples: audio.samples,
      sampleRate: audio.sampleRate,
      href: audioHref(store.locate(outputBucket, keyFor('.html')), store.locate(bucket, key)),
    }),
  );
  if (resultKeys === undefined) {
    const reason =
      'the audio was replaced (or removed) while this version was aligned; the newer version is aligned by its own event';
    log.info('activity superseded', { bucket, key, reason });
    return { status: 'skipped', bucket, key, reason };
  }
  log.info('activity succeeded', {
    bucket,
    key,
    resultKey: resultKeys[0],
    wordsTotal: result.stats.wordsTotal,
    wordsAligned: result.stats.wordsAligned,
    realTimeFactor: result.stats.realTimeFactor,
  });
  return { status: 'succeeded', bucket, key, resultKeys, result };
}

/**
 * Writes the result only while the inputs it was computed from are current, so that of two Lambdas aligning
 * two versions of one file at once, the newer version's result is the one left. Before writing: a newer audio
 * means its own event aligns it, so nothing is written (undefined); another transcript means aligning again
 * (SourceChangedError: the retry reuses the emissions). After writing: a change means these files may have
 * replaced a newer version's, so the activity runs again from the current inputs (SourceChangedError). A
 * newer version's writes start only after its upload, so one that comes after the second check finds these
 * files written and replaces them.
 */
async function commitResult(
  context: ActivityContext,
  request: AudioRequest,
  write: () => Promise<ResultKeys>,
): Promise<ResultKeys | undefined> {
  const { store, settings } = context;
  const before = await changedSource(store, settings.layout, request);
  if (before === 'audio') return undefined;
  if (before === 'transcript') {
    throw new SourceChangedError(
      `the transcript of ${request.key} changed while it was aligned; aligning it again to the current one`,
    );
  }
  const keys = await write();
  if ((await changedSource(store, settings.layout, request)) !== undefined) {
    throw new SourceChangedError(
      `the inputs of ${request.key} changed while its result was written, which may have replaced a newer ` +
        "version's result; aligning it again from the current inputs",
    );
  }
  return keys;
}

/** The descriptor's formats win over the configured ones; the JSON document is always written. */
function outputFormats(configured: OutputFormat[], transcript: FoundTranscript | undefined): OutputFormat[] {
  const asked = transcript?.descriptor?.formats ?? configured;
  return asked.includes('json') ? asked : ['json', ...asked];
}

/**
 * The viewer's link to audio too long to embed, relative to the page: between two files, or two keys of one
 * bucket (playable where the bucket is served as a site; a presigned page URL cannot resolve it). Results in
 * another bucket have no common base, so none.
 */
function audioHref(page: ObjectLocation, audio: ObjectLocation): string | undefined {
  if ('path' in page && 'path' in audio) return relativeHref(page.path, audio.path);
  if ('bucket' in page && 'bucket' in audio && page.bucket === audio.bucket) {
    return relativeHref(page.key, audio.key, '/');
  }
  return undefined;
}

/** Why a file leaves the CPU path: Triton was asked for, or it is above one of the large-file thresholds. */
type LargeFileLimit =
  | { kind: 'triton-asked' }
  | { kind: 'bytes'; value: number; limit: number }
  | { kind: 'seconds'; value: number; limit: number };

/** How to turn the GPU branch on, for messages that send a user there. */
const ENABLE_GPU_BRANCH =
  'deploy the stack with -c tritonUrl=https://<your Triton endpoint>, or with its own Triton service ' +
  "(-c tritonCertificateArn=<ACM certificate ARN> -c tritonDomainName=<name>); see the README's Deploy section";

function describeLimit(limit: LargeFileLimit): string {
  switch (limit.kind) {
    case 'triton-asked':
      return 'the Triton backend was asked for';
    case 'bytes':
      return `${limit.value} bytes is above the large-file threshold of ${limit.limit} bytes (LARGE_FILE_THRESHOLD_BYTES)`;
    case 'seconds':
      return `${limit.value.toFixed(0)} s of audio is above the large-file threshold of ${limit.limit} s (LARGE_FILE_THRESHOLD_SEC)`;
  }
}

/**
 * What LARGE_FILE_POLICY does with a file that leaves the CPU path: `handoff` starts the state machine's GPU
 * branch and answers `handed-off`; `refuse` fails it (the deployment has no GPU branch), naming the limit
 * and how to enable one; `process`, or a request that says `backend: "cpu"`, keeps it here with a warning.
 */
async function routeLargeFile(
  context: ActivityContext,
  request: AudioRequest,
  transcript: FoundTranscript | undefined,
  versions: SourceVersions,
  limit: LargeFileLimit,
  warnings: string[],
): Promise<ActivityOutcome | undefined> {
  const { bucket, key } = request;
  const reason = describeLimit(limit);
  const { policy } = context.settings.largeFile;
  if (policy === 'refuse') {
    if (limit.kind === 'triton-asked') {
      throw new InvalidInputError(`${reason}, but this deployment has no GPU branch: ${ENABLE_GPU_BRANCH}`);
    }
    throw new AlignError(
      'AUDIO_TOO_LONG',
      `${reason}: this deployment aligns files this large only on its GPU branch, which is off; ${ENABLE_GPU_BRANCH}`,
    );
  }
  if (policy === 'process' || request.backend === 'cpu' || context.handoff === undefined) {
    const why =
      request.backend === 'cpu' ? 'the request asked for the CPU backend' : 'LARGE_FILE_POLICY=process';
    context.log.warn('large file processed on CPU', { bucket, key, reason });
    warnings.push(`${reason}, but ${why}: processed on CPU`);
    return undefined;
  }
  const executionName = await context.handoff.start(
    {
      bucket,
      key,
      ...(transcript?.key === undefined ? {} : { transcriptKey: transcript.key }),
      backend: 'triton',
      ...(request.force ? { force: true as const } : {}),
    },
    versions.audioEtag,
    versions.transcriptEtag,
  );
  context.log.info('handed to the state machine', { bucket, key, reason, executionName });
  return { status: 'handed-off', bucket, key, executionName };
}
