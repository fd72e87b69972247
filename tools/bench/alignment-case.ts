// One alignment benchmark case, run in its own process so that its peak RSS is its own:
//   node alignment-case.js '{"frames":180000,"seed":1,"strategy":"auto"}'
// Prints one JSON line (AlignmentCaseResult) on stdout.

import { type ForcedAlignOptions, forcedAlign } from '../../shared/align/ctc-viterbi';
import { syntheticSpeech } from './synthetic-emissions';

/** What the parent asks for. */
export interface AlignmentCaseRequest {
  frames: number;
  seed: number;
  strategy: NonNullable<ForcedAlignOptions['strategy']>;
  /** Also run the exact search and report whether it found the same path. */
  compareExact?: boolean;
}

/** What the child reports. */
export interface AlignmentCaseResult {
  frames: number;
  targets: number;
  generateSec: number;
  alignSec: number;
  /** CPU time of the alignment (user + system): what it costs when other processes share the cores. */
  alignCpuSec: number;
  maxRssMB: number;
  strategy: string;
  attempts: number;
  cells: number;
  fellBack: boolean;
  /** Share of targets whose aligned first frame is within one frame of the generated onset. */
  onsetWithin1: number;
  /** Present when compareExact was asked: exact search CPU time and whether path and score matched. */
  exact?: { cpuSec: number; cells: number; same: boolean; strategy: string } | undefined;
}

function run(request: AlignmentCaseRequest): AlignmentCaseResult {
  let start = performance.now();
  const { emissions, targets, onsets } = syntheticSpeech({ frames: request.frames, seed: request.seed });
  const generateSec = (performance.now() - start) / 1000;

  start = performance.now();
  const cpu = process.cpuUsage();
  const result = forcedAlign(emissions, targets, { blank: 0, strategy: request.strategy });
  const alignSec = (performance.now() - start) / 1000;
  const alignCpuSec = cpuSeconds(process.cpuUsage(cpu));
  const maxRssMB = process.resourceUsage().maxRSS / 1024;

  const firstFrame = new Int32Array(targets.length).fill(-1);
  result.states.forEach((state, t) => {
    if (state % 2 === 1 && firstFrame[(state - 1) / 2] === -1) firstFrame[(state - 1) / 2] = t;
  });
  let close = 0;
  firstFrame.forEach((t, j) => {
    const onset = onsets[j];
    if (onset !== undefined && Math.abs(t - onset) <= 1) close++;
  });

  let exact: AlignmentCaseResult['exact'];
  if (request.compareExact === true) {
    const exactCpu = process.cpuUsage();
    const reference = forcedAlign(emissions, targets, { blank: 0, strategy: 'exact' });
    exact = {
      cpuSec: cpuSeconds(process.cpuUsage(exactCpu)),
      cells: reference.stats.cells,
      same: reference.score === result.score && reference.states.every((s, t) => s === result.states[t]),
      strategy: reference.stats.strategy,
    };
  }
  return {
    frames: request.frames,
    targets: targets.length,
    generateSec,
    alignSec,
    alignCpuSec,
    maxRssMB,
    ...result.stats,
    onsetWithin1: close / targets.length,
    exact,
  };
}

function cpuSeconds(usage: NodeJS.CpuUsage): number {
  return (usage.user + usage.system) / 1e6;
}

process.stdout.write(`${JSON.stringify(run(JSON.parse(process.argv[2] ?? '{}') as AlignmentCaseRequest))}\n`);
