import { type ErrorSummary, formatSigned, type TimingCorrection } from '../shared/align/timing-fit';

/** How far off starts and ends are under one correction. */
export interface BoundarySummaries {
  starts: ErrorSummary;
  ends: ErrorSummary;
}

/** The words a calibration compared, and their errors under the model's correction and under the fitted one. */
export interface CalibrationFigures {
  /** Words with letters or digits in the transcript and in the reference. */
  words: number;
  referenceWords: number;
  /** Pairs of a transcript word and a reference word, both timed, that were compared. */
  matched: number;
  before: BoundarySummaries;
  after: BoundarySummaries;
}

/** One file's part of a calibration. */
export interface FileCalibration extends CalibrationFigures {
  audio: string;
  reference: string;
  transcript: string | null;
}

/** What `calibrate` found and did, as `--json` prints it. */
export interface CalibrationReport {
  modelDir: string;
  configPath: string;
  /** Whether config.json now holds `fitted` (false with --dry-run). */
  written: boolean;
  current: TimingCorrection;
  fitted: TimingCorrection;
  files: FileCalibration[];
  all: CalibrationFigures;
}

const HEADER = ['file', 'words', 'boundary', 'mean ms', 'median ms', 'within 20 ms', 'within 50 ms'];

/** The report as a table, a row per file and boundary then the overall rows, and the correction's change. */
export function formatCalibration(report: CalibrationReport): string {
  const rows: string[][] = [];
  const add = (file: string, figures: CalibrationFigures): void => {
    rows.push([
      file,
      `${figures.matched}/${figures.words}`,
      'starts',
      ...changes(figures.before.starts, figures.after.starts),
    ]);
    rows.push(['', '', 'ends', ...changes(figures.before.ends, figures.after.ends)]);
  };
  for (const file of report.files) add(file.audio, file);
  add('all files', report.all);
  const widths = HEADER.map((cell, i) => Math.max(cell.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: readonly string[]): string =>
    `${cells
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join('  ')
      .trimEnd()}\n`;
  const { current, fitted } = report;
  const outcome = report.written
    ? `wrote it into ${report.configPath}`
    : `--dry-run: ${report.configPath} not changed`;
  return (
    "errors with the model's current correction -> with the fitted one; words: compared/in the transcript\n" +
    line(HEADER) +
    rows.map(line).join('') +
    `\ncorrection: start ${formatSigned(current.startSec)} -> ${formatSigned(fitted.startSec)} s, ` +
    `end ${formatSigned(current.endSec)} -> ${formatSigned(fitted.endSec)} s\n` +
    `${outcome}\n`
  );
}

/** The report for --json, error figures to the microsecond and shares to four places. */
export function calibrationJson(report: CalibrationReport): string {
  const rounded = (key: string, value: unknown): unknown => {
    if (typeof value !== 'number') return value;
    if (key.endsWith('Sec')) return Math.round(value * 1e6) / 1e6;
    if (key.startsWith('within')) return Math.round(value * 1e4) / 1e4;
    return value;
  };
  return `${JSON.stringify(report, rounded, 2)}\n`;
}

function changes(before: ErrorSummary, after: ErrorSummary): string[] {
  const ms = (seconds: number): string => (seconds * 1000).toFixed(1);
  const percent = (share: number): string => `${(share * 100).toFixed(1)}%`;
  return [
    `${ms(before.meanSec)} -> ${ms(after.meanSec)}`,
    `${ms(before.medianSec)} -> ${ms(after.medianSec)}`,
    `${percent(before.within20ms)} -> ${percent(after.within20ms)}`,
    `${percent(before.within50ms)} -> ${percent(after.within50ms)}`,
  ];
}
