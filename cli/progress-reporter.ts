import { performance } from 'node:perf_hooks';
import { type BatchProgress, formatClock, formatFileProgress, formatProgressLine } from './progress-bar';

/** A stream that may be a terminal (process.stderr is; test buffers are not). */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

/** How one file ended. */
export interface FileOutcome {
  status: 'ok' | 'failed' | 'skipped';
  audioSec: number;
  wallMs: number;
  detail?: string;
  /** The result's warnings (a transcript that does not fit, a file passed over, ...), one line each. */
  warnings?: readonly string[];
}

/** Terminals get a redrawn bar at most this often; each redraw is one write. */
const REDRAW_MS = 100;
/** Anything else gets a progress line at most this often, so hours of audio stay a short log. */
const PLAIN_LINE_MS = 5000;

/**
 * Reports a batch's progress on a stream: on a terminal one bar redrawn in place (`\r`, erase line), on
 * anything else one plain line per finished file, so logs and CI output stay readable.
 */
export class ProgressReporter {
  private readonly started: number;
  private readonly inFlight = new Map<string, { bytes: number; fraction: number }>();
  private filesDone = 0;
  private bytesFinished = 0;
  private audioSecDone = 0;
  private lastDraw = Number.NEGATIVE_INFINITY;
  private drawn = false;

  public constructor(
    private readonly stream: ProgressStream,
    private readonly filesTotal: number,
    private bytesTotal: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.started = now();
  }

  /** A file's work began. */
  public fileStarted(name: string, bytes: number): void {
    this.inFlight.set(name, { bytes, fraction: 0 });
    this.redraw(false);
  }

  /** Part of a file is done (inference progress), as a fraction in [0, 1]. */
  public fileProgress(name: string, fraction: number): void {
    const file = this.inFlight.get(name);
    if (file === undefined) return;
    file.fraction = Math.max(0, Math.min(1, fraction));
    this.redraw(false);
  }

  /** A file finished; a skipped file's bytes leave the work to do, so the ETA counts only real work. */
  public fileFinished(name: string, bytes: number, outcome: FileOutcome): void {
    this.inFlight.delete(name);
    this.filesDone++;
    if (outcome.status === 'skipped') this.bytesTotal -= bytes;
    else this.bytesFinished += bytes;
    this.audioSecDone += outcome.audioSec;
    const warnings = (outcome.warnings ?? []).map((warning) => `warning: ${name}: ${warning}`);
    if (this.stream.isTTY === true) {
      if (outcome.status === 'failed') this.printAbove(`failed  ${name}: ${outcome.detail ?? ''}`);
      for (const warning of warnings) this.printAbove(warning);
      this.redraw(true);
    } else {
      this.stream.write(`${[this.plainLine(name, outcome), ...warnings].join('\n')}\n`);
    }
  }

  /** Clears the bar so the summary starts on a clean line. */
  public finish(): void {
    if (this.stream.isTTY === true && this.drawn) this.stream.write('\r\x1b[2K');
    this.drawn = false;
  }

  /** The numbers behind the bar. */
  public snapshot(): BatchProgress {
    let partial = 0;
    for (const file of this.inFlight.values()) partial += file.bytes * file.fraction;
    return {
      filesDone: this.filesDone,
      filesTotal: this.filesTotal,
      bytesTotal: this.bytesTotal,
      bytesDone: this.bytesFinished + partial,
      audioSecDone: this.audioSecDone,
      elapsedMs: this.now() - this.started,
    };
  }

  private plainLine(name: string, outcome: FileOutcome): string {
    const counter = `[${this.filesDone}/${this.filesTotal}]`;
    const status = outcome.status.padEnd(7);
    const progress = formatProgressLine(this.snapshot());
    const eta = progress.slice(progress.indexOf('ETA'));
    if (outcome.status === 'skipped') return `${counter} ${status} ${name} (up to date)`;
    if (outcome.status === 'failed') return `${counter} ${status} ${name}: ${outcome.detail ?? ''}; ${eta}`;
    return (
      `${counter} ${status} ${name} (${formatClock(outcome.audioSec)} audio in ` +
      `${(outcome.wallMs / 1000).toFixed(1)} s); ${eta}`
    );
  }

  private printAbove(line: string): void {
    this.stream.write(`\r\x1b[2K${line}\n`);
    this.drawn = false;
  }

  private redraw(force: boolean): void {
    if (this.stream.isTTY !== true) return;
    const now = this.now();
    if (!force && now - this.lastDraw < REDRAW_MS) return;
    this.lastDraw = now;
    this.stream.write(`\r\x1b[2K${formatProgressLine(this.snapshot())}`);
    this.drawn = true;
  }
}

/**
 * Reports one file's inference: on a terminal one line redrawn in place, on anything else a line only once the
 * whole percent has moved and a few seconds have passed (the last one, 100%, always), so a run of any length
 * prints at most 101 lines.
 */
export class FileProgressReporter {
  private lastLine = '';
  private lastWrite = Number.NEGATIVE_INFINITY;
  private drawn = false;

  public constructor(
    private readonly stream: ProgressStream,
    private readonly durationSec: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Inference has done `done` of `total` frames. */
  public update(done: number, total: number): void {
    const percent = Math.min(100, Math.floor((100 * done) / Math.max(1, total)));
    const line = formatFileProgress(percent, this.durationSec);
    if (line === this.lastLine) return;
    const now = this.now();
    const terminal = this.stream.isTTY === true;
    if (percent < 100 && now - this.lastWrite < (terminal ? REDRAW_MS : PLAIN_LINE_MS)) return;
    this.lastLine = line;
    this.lastWrite = now;
    this.stream.write(terminal ? `\r\x1b[2K${line}` : `${line}\n`);
    this.drawn = terminal;
  }

  /** Clears a terminal's line so the warnings or the error that follow start on a clean one. */
  public finish(): void {
    if (this.drawn) this.stream.write('\r\x1b[2K');
    this.drawn = false;
  }
}
