import { performance } from 'node:perf_hooks';
import { decodeAudioStream } from '../audio/decode-audio';
import type { AcousticModel } from '../inference/onnx-acoustic-model';
import type { OutputFormat, ResultSource } from '../output/result';
import { relativeHref } from '../output/viewer/relative-href';
import type { ObjectHead, S3Store } from '../s3/s3-store';
import type { PipelineLog } from '../telemetry/pipeline-logger';
import type { ActivityOutcome } from './activity-outcome';
import type { ActivitySettings } from './activity-settings';
import { runAlignJob } from './align-job';
import type { LargeFileHandoff } from './large-file-handoff';
import { resultKey } from './object-keys';
import { isResultUpToDate, type SourceVersions, writeResult } from './result-store';
import { type FoundTranscript, findTranscript } from './transcript-discovery';

/** What activities share within one process: S3, the (lazily loaded) model, the hand-off and the log. */
export interface ActivityContext {
  store: S3Store;
  model: () => Promise<AcousticModel>;
  handoff: LargeFileHandoff | undefined;
  log: PipelineLog;
  settings: ActivitySettings;
  /** The backend `model` runs on; `triton` means this process is the GPU path and keeps every file. */
  backend?: 'cpu' | 'triton';
}

/** One audio object to process; `backend: 'cpu'` keeps it on CPU (the state machine's own CPU branch). */
export interface AudioRequest {
  bucket: string;
  key: string;
  stem: string;
  head: ObjectHead;
  force: boolean;
  backend: 'cpu' | 'triton' | undefined;
  /** A rerun's explicit transcript (SPEC §7); undefined: discover it. */
  transcriptKey?: string;
}

/** The result's `source` block for an audio object and its transcript. */
export function sourceOf(
  request: Pick<AudioRequest, 'bucket' | 'key' | 'head'>,
  transcript?: FoundTranscript,
): ResultSource {
  return {
    bucket: request.bucket,
    key: request.key,
    etag: request.head.etag,
    size: request.head.size,
    ...(transcript?.key === undefined ? {} : { transcriptKey: transcript.key }),
    ...(transcript?.etag === undefined ? {} : { transcriptEtag: transcript.etag }),
  };
}

/**
 * One activity: find the transcript, skip when an up-to-date result exists, hand large files to the state
 * machine, else download, decode, align and write the results. Throws AlignError on failure (the caller
 * retries, records and counts failures). The transcript text is logged only at DEBUG.
 */
export async function runAudioActivity(
  context: ActivityContext,
  request: AudioRequest,
): Promise<ActivityOutcome> {
  const { store, settings, log } = context;
  const { bucket, key, stem, head } = request;
  const transcript = await findTranscript(store, bucket, settings.layout, stem, head, request.transcriptKey);
  const versions: SourceVersions = { audioEtag: head.etag, transcriptEtag: transcript?.etag };
  const outputBucket = settings.resultsBucket ?? bucket;
  const keyFor = (extension: string): string => resultKey(settings.layout, stem, extension);
  if (!request.force && (await isResultUpToDate(store, outputBucket, keyFor('.json'), versions))) {
    return {
      status: 'skipped',
      bucket,
      key,
      reason: 'an up-to-date result exists for these audio and transcript versions',
    };
  }
  log.info('activity started', {
    bucket,
    key,
    size: head.size,
    mode: transcript === undefined ? 'transcribe' : 'align',
    transcriptOrigin: transcript?.origin,
  });
  log.debug('transcript', { key, text: transcript?.text });

  const warnings: string[] = [];
  const wantsGpu =
    request.backend === 'triton' ||
    (request.backend !== 'cpu' && (settings.useTriton || transcript?.descriptor?.backend === 'triton'));
  const tooLarge = (reason: string): Promise<ActivityOutcome | undefined> =>
    handOffOrWarn(context, request, transcript, versions, reason, warnings);
  // The GPU path itself (the state machine's Triton Lambda) has nothing to hand off: it processes every file.
  const runsTriton = context.backend === 'triton';
  if (!runsTriton && (wantsGpu || head.size > settings.largeFile.bytes)) {
    const reason = wantsGpu
      ? 'the Triton backend was asked for'
      : `${head.size} bytes is above the large-file threshold`;
    const handed = await tooLarge(reason);
    if (handed !== undefined) return handed;
  }

  const model = await context.model();
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
    const handed = await tooLarge(`${audio.info.durationSec.toFixed(0)} s is above the large-file threshold`);
    if (handed !== undefined) return handed;
  }

  const result = await runAlignJob(
    { audio, text: transcript?.text, source: sourceOf(request, transcript), downloadMs },
    model,
    settings.align,
  );
  result.warnings.push(...warnings);
  const formats: OutputFormat[] = outputFormats(settings.outputFormats, transcript);
  const resultKeys = await writeResult(store, outputBucket, keyFor, result, formats, versions, {
    samples: audio.samples,
    sampleRate: audio.sampleRate,
    // Audio too long to embed is referenced relative to the page: playable where the bucket is served as
    // a site (same bucket only; a presigned page URL cannot resolve it).
    ...(outputBucket === bucket ? { href: relativeHref(keyFor('.html'), key, '/') } : {}),
  });
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

/** The descriptor's formats win over OUTPUT_FORMATS; the JSON document is always written. */
function outputFormats(configured: OutputFormat[], transcript: FoundTranscript | undefined): OutputFormat[] {
  const asked = transcript?.descriptor?.formats ?? configured;
  return asked.includes('json') ? asked : ['json', ...asked];
}

async function handOffOrWarn(
  context: ActivityContext,
  request: AudioRequest,
  transcript: FoundTranscript | undefined,
  versions: SourceVersions,
  reason: string,
  warnings: string[],
): Promise<ActivityOutcome | undefined> {
  const { bucket, key } = request;
  if (context.handoff === undefined) {
    const warning = `${reason}, but no STATE_MACHINE_ARN is configured: processed on CPU`;
    context.log.warn('large file processed on CPU', { bucket, key, reason });
    warnings.push(warning);
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
