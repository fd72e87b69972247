import { AlignError, InvalidInputError } from '../../shared/errors';
import { checkModelDir } from '../../shared/model/model-check/check-model-dir';
import type { CheckResult, ModelCheckReport } from '../../shared/model/model-check/check-result';
import { type CliCommand, parseCommandArgs } from '../cli-command';
import { requireFolder } from '../cli-output';

/** The status column's width: the longest status, `problem`/`skipped`, and a space. */
const STATUS_WIDTH = 8;

/** `check-model`: checks a model directory end to end and says what to fix. */
export const checkModelCommand: CliCommand = {
  summary:
    'checks a model folder end to end (files, settings, graph, probe run, int8 copy) and says what to fix',
  notes: [
    'Each check prints ok, warning, problem or skipped; a problem carries the error code a run would fail with.',
    'Exit 1 (error MODEL) when any check found a problem; warnings alone exit 0. --json prints the report as JSON.',
  ],
  usage: '<modelDir> [--json]',
  async run(args, _env, io) {
    const { values, positionals } = parseCommandArgs(args, { json: { type: 'boolean' } });
    const [dir, ...extra] = positionals;
    if (dir === undefined || extra.length > 0) {
      throw new InvalidInputError('check-model takes exactly one model directory: <modelDir>');
    }
    await requireFolder(dir, 'give a model directory');
    const report = await checkModelDir(dir);
    io.stdout.write(values.json === true ? `${JSON.stringify(report, null, 2)}\n` : renderReport(report));
    if (!report.usable) {
      const { problem } = report.counts;
      throw new AlignError(
        'MODEL',
        `${problem} ${problem === 1 ? 'check' : 'checks'} found a problem in model directory "${dir}"`,
      );
    }
  },
};

/** The report for people: one block a check, its first finding on the status line, then the rest and the fix. */
function renderReport(report: ModelCheckReport): string {
  const blocks = report.checks.map(renderCheck);
  const { ok, warning, problem, skipped } = report.counts;
  const verdict = report.usable
    ? 'usable as --model DIR and as MODEL_DIR'
    : 'not usable until the problems are fixed';
  const counts = `${ok} ok, ${warning} ${plural(warning, 'warning')}, ${problem} ${plural(problem, 'problem')}`;
  return (
    `model directory ${report.dir}\n${blocks.join('')}\n` +
    `${counts}${skipped > 0 ? `, ${skipped} skipped` : ''}: ${verdict}\n`
  );
}

function renderCheck({ check, status, found, code, fix }: CheckResult): string {
  const indent = ' '.repeat(STATUS_WIDTH + 2);
  const [first, ...rest] = found;
  const head = `${status.padEnd(STATUS_WIDTH)}  ${check}${code === undefined ? '' : ` (${code})`}: ${first ?? ''}\n`;
  const lines = [...rest, ...(fix === undefined ? [] : [`fix: ${fix}`])];
  return head + lines.map((line) => `${indent}${line}\n`).join('');
}

function plural(count: number, word: string): string {
  return count === 1 ? word : `${word}s`;
}
