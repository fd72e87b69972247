import { join, resolve } from 'node:path';
import { findTranscriptPath, timeTranscriptPath } from '../../shared/align/align-transcript';
import {
  boundaryErrors,
  matchesTranscript,
  matchReference,
  type WordMatch,
} from '../../shared/align/reference-words';
import {
  type BoundaryErrors,
  fitCorrection,
  summarizeErrors,
  type TimingCorrection,
} from '../../shared/align/timing-fit';
import { type AppConfig, loadConfig } from '../../shared/config/app-config';
import { InvalidInputError } from '../../shared/errors';
import { FolderStore } from '../../shared/folder/folder-store';
import type { AcousticModel } from '../../shared/inference/acoustic-model';
import { CONFIG_FILE } from '../../shared/model/model-settings';
import { loadModelSpec, type ModelSpec } from '../../shared/model/model-spec';
import { writeTimingCorrection } from '../../shared/model/timing-correction-file';
import { tokenizeTranscript } from '../../shared/text/tokenizer';
import { type CalibrationPair, calibrationPairs, inFile, noPairsMessage } from '../calibration-pairs';
import {
  type BoundarySummaries,
  type CalibrationFigures,
  type CalibrationReport,
  calibrationJson,
  formatCalibration,
} from '../calibration-report';
import { type CliCommand, parseCommandArgs } from '../cli-command';
import { requireFolder, requireWritable } from '../cli-output';
import { decodeInputAudio } from '../decode-input-audio';
import { closeCliModel, openCliModel } from '../open-model';

const OPTIONS = {
  model: { type: 'string' },
  quantize: { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

/** The folder store's name for the folder of recordings. */
const INPUT = 'input';
const NO_CORRECTION: TimingCorrection = { startSec: 0, endSec: 0 };

/**
 * `calibrate`: fits a model's `timing_correction` to recordings with known word times. The recordings are
 * aligned without any correction, so the fit is the whole correction and a second run fits the same one.
 */
export const calibrateCommand: CliCommand = {
  summary: "fits a model's timing correction (in its config.json) to recordings with known word times",
  usage: '<folder> --model DIR [--quantize] [--dry-run] [--json]',
  notes: [
    'Pairs each <name>.wav (.flac, .mp3, .ogg, .opus) under the folder with <name>.TextGrid (a "words" tier), else',
    '<name>.truth.json, else a <name>.json result; the transcript is <name>.txt, else the reference words.',
    'The fit is minus the median error of the uncorrected starts and of the ends; it is refused at 0.2 s or more.',
    '--dry-run prints the correction and leaves config.json alone; --json prints the report as JSON.',
  ],
  async run(args, env, io) {
    const { values, positionals } = parseCommandArgs(args, OPTIONS);
    const [folder, ...extra] = positionals;
    if (folder === undefined || extra.length > 0) throw new InvalidInputError('give exactly one folder');
    if (values.model === undefined) {
      throw new InvalidInputError('give the model directory to calibrate with --model DIR');
    }
    const dryRun = values['dry-run'] === true;
    const config = loadConfig(env);
    const root = resolve(folder);
    await requireFolder(root);
    const spec = await loadModelSpec(values.model);
    // Checked before any audio is read, so that the fit is not lost to a directory it cannot be written into.
    if (!dryRun) await requireWritable(spec.dir, 'model directory', '--dry-run only prints the correction');
    const pairs = await calibrationPairs(root, await new FolderStore({ [INPUT]: root }).list(INPUT));
    if (pairs.length === 0) throw new InvalidInputError(noPairsMessage(root));
    const matches = pairs.map((pair) => matchPair(pair, spec, config));

    const model = await openCliModel(spec, values.quantize === true, config, io);
    const measured: MeasuredFile[] = [];
    try {
      for (const [i, pair] of pairs.entries()) {
        io.stderr.write(`[${i + 1}/${pairs.length}] ${pair.audio}\n`);
        measured.push(await measureFile(join(root, pair.audio), pair, matches[i]!, model, config));
      }
    } finally {
      closeCliModel(model);
    }
    const fitted = fitCorrection(joined(measured.map((file) => file.raw)));
    const configPath = dryRun ? join(spec.dir, CONFIG_FILE) : await writeTimingCorrection(spec.dir, fitted);
    const report = calibrationReport(spec, measured, fitted, configPath, !dryRun);
    io.stdout.write(values.json === true ? calibrationJson(report) : formatCalibration(report));
  },
};

/** The report of a fit: each file's errors with the model's correction and with the fitted one, and all files'. */
function calibrationReport(
  spec: ModelSpec,
  files: readonly MeasuredFile[],
  fitted: TimingCorrection,
  configPath: string,
  written: boolean,
): CalibrationReport {
  const afterFit = files.map((file) => file.errorsWith(fitted));
  return {
    modelDir: spec.dir,
    configPath,
    written,
    current: spec.timingCorrection,
    fitted,
    files: files.map(({ pair, match, before }, i) => ({
      audio: pair.audio,
      reference: pair.reference,
      transcript: pair.transcript ?? null,
      ...figures(match, before, afterFit[i]!),
    })),
    all: figures(
      {
        words: files.reduce((total, file) => total + file.match.words, 0),
        referenceWords: files.reduce((total, file) => total + file.match.referenceWords, 0),
      },
      joined(files.map((file) => file.before)),
      joined(afterFit),
    ),
  };
}

/** A file's errors without a correction and with the model's, and how to measure them with another. */
interface MeasuredFile {
  pair: CalibrationPair;
  match: WordMatch;
  raw: BoundaryErrors;
  before: BoundaryErrors;
  errorsWith(correction: TimingCorrection): BoundaryErrors;
}

/**
 * Pairs the transcript's words with the reference's before any audio is read, so that a reference of another
 * text fails the command at once rather than after the files before it.
 */
function matchPair(pair: CalibrationPair, spec: ModelSpec, config: AppConfig): WordMatch {
  try {
    const { words } = tokenizeTranscript(pair.text, spec.vocabulary, { robust: config.robustMode });
    const match = matchReference(
      words.map((word) => word.word),
      pair.referenceWords,
    );
    if (!matchesTranscript(match)) {
      const transcript = pair.transcript === undefined ? '' : ` in ${pair.transcript}`;
      throw new InvalidInputError(
        `its words are not the transcript's${transcript}: ${match.pairs.length} of its ${match.referenceWords} ` +
          `words and of the transcript's ${match.words} pair up, fewer than half`,
      );
    }
    return match;
  } catch (error) {
    throw inFile(pair.reference, error);
  }
}

/** Runs the model and finds the path on one file once; each correction then only re-times the path. */
async function measureFile(
  path: string,
  pair: CalibrationPair,
  match: WordMatch,
  model: AcousticModel,
  config: AppConfig,
): Promise<MeasuredFile> {
  const { spec } = model;
  try {
    const audio = await decodeInputAudio(path, spec.sampleRate, config);
    const logProbs = await model.logProbs(audio.samples);
    // A correction only shifts the times, so the path is found once; it and the model's output are kept for
    // the fitted correction's timing, not the samples.
    const found = findTranscriptPath(logProbs, pair.text, {
      vocabulary: spec.vocabulary,
      robust: config.robustMode,
      confidenceWeighting: config.confidenceWeighting,
      star: false,
    });
    const { durationSec } = audio.info;
    const errorsWith = (correction: TimingCorrection): BoundaryErrors => {
      const { words } = timeTranscriptPath(found, logProbs, {
        frameSec: spec.frameSec,
        durationSec,
        timingCorrection: correction,
      });
      return boundaryErrors(words, pair.referenceWords, match);
    };
    const raw = errorsWith(NO_CORRECTION);
    if (raw.starts.length === 0) {
      throw new InvalidInputError(
        'no word is timed both by the alignment and by the reference; nothing to compare',
      );
    }
    return { pair, match, raw, before: errorsWith(spec.timingCorrection), errorsWith };
  } catch (error) {
    throw inFile(pair.audio, error);
  }
}

function joined(errors: readonly BoundaryErrors[]): BoundaryErrors {
  return { starts: errors.flatMap((e) => e.starts), ends: errors.flatMap((e) => e.ends) };
}

function figures(
  counts: { words: number; referenceWords: number },
  before: BoundaryErrors,
  after: BoundaryErrors,
): CalibrationFigures {
  const summaries = (errors: BoundaryErrors): BoundarySummaries => ({
    starts: summarizeErrors(errors.starts),
    ends: summarizeErrors(errors.ends),
  });
  return {
    words: counts.words,
    referenceWords: counts.referenceWords,
    matched: before.starts.length,
    before: summaries(before),
    after: summaries(after),
  };
}
