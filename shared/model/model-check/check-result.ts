import type { ErrorCode } from '../../errors';

/** What one check of `check-model` concluded; `skipped` when a check it needs found a problem. */
export type CheckStatus = 'ok' | 'warning' | 'problem' | 'skipped';

/** The checks, in the order they run and are reported (docs/cli.md#check-model). */
export const CHECK_IDS = [
  'files',
  'settings',
  'graph',
  'probe',
  'logits-width',
  'frame-count',
  'int8',
  'timing-correction',
  'text',
] as const;

/** One check's stable name. */
export type CheckId = (typeof CHECK_IDS)[number];

/** One check's outcome, as `check-model --json` prints it. */
export interface CheckResult {
  check: CheckId;
  status: CheckStatus;
  /** What was found, one fact a line. */
  found: string[];
  /** For a problem: the code a run of this model fails with (docs/errors.md#codes). */
  code?: ErrorCode;
  /** For a warning or a problem: what to change. */
  fix?: string;
}

/** One setting the project uses, its value and the file it came from (null: the built-in default). */
export interface SettingOrigin {
  setting: string;
  value: unknown;
  file: string | null;
  /** The field of `file` it was read from. */
  field: string | null;
}

/** Everything `check-model` found in a model directory. */
export interface ModelCheckReport {
  dir: string;
  /** True when no check found a problem: the directory works as `--model DIR` and as `MODEL_DIR`. */
  usable: boolean;
  counts: Record<CheckStatus, number>;
  /** Where each setting came from; empty when the settings could not be read. */
  settings: SettingOrigin[];
  checks: CheckResult[];
}

/** A check that found nothing wrong. */
export function ok(check: CheckId, found: string[]): CheckResult {
  return { check, status: 'ok', found };
}

/** A check that found something that works but is probably not what was meant. */
export function warning(check: CheckId, found: string[], fix: string): CheckResult {
  return { check, status: 'warning', found, fix };
}

/** A check that found something every run of the model would fail on (with `MODEL`). */
export function problem(check: CheckId, found: string[], fix: string): CheckResult {
  return { check, status: 'problem', found, code: 'MODEL', fix };
}

/** A check that could not run because `needs` found a problem. */
export function skipped(check: CheckId, needs: string): CheckResult {
  return { check, status: 'skipped', found: [`not checked: needs ${needs}`] };
}

/** Assembles the report, counting the checks by status. */
export function modelCheckReport(
  dir: string,
  settings: SettingOrigin[],
  checks: CheckResult[],
): ModelCheckReport {
  const counts: Record<CheckStatus, number> = { ok: 0, warning: 0, problem: 0, skipped: 0 };
  for (const { status } of checks) counts[status]++;
  return { dir, usable: counts.problem === 0, counts, settings, checks };
}
