import { createHash, randomBytes } from 'node:crypto';

/**
 * Step Functions execution names: 1-80 characters of [A-Za-z0-9_-]. A STANDARD workflow refuses a name for 90
 * days after its execution closes, so the names below are built to be reused only where that refusal is wanted.
 */

function fileVersionDigest(key: string, audioEtag: string, transcriptEtag: string | undefined): string {
  return createHash('sha256')
    .update(`${key}\n${audioEtag}\n${transcriptEtag ?? ''}`)
    .digest('hex');
}

/**
 * The deterministic name of a file version's first execution (`w2v2-` + SHA-256 of key, audio ETag and
 * transcript ETag), so duplicate events of that version meet the same execution instead of starting another.
 */
export function executionName(key: string, audioEtag: string, transcriptEtag: string | undefined): string {
  return `w2v2-${fileVersionDigest(key, audioEtag, transcriptEtag)}`;
}

/**
 * The name of attempt `attempt` (1-based) after `first`: `first` itself, then `first-r2`, `first-r3`, ...;
 * deterministic, so concurrent duplicates of one retry still meet the same execution.
 */
export function attemptExecutionName(first: string, attempt: number): string {
  return attempt === 1 ? first : `${first}-r${attempt}`;
}

/**
 * A name no earlier execution has (`w2v2-` + 40 hex digits of the file version's digest + `-f` + time and 64
 * random bits), for a forced rerun, which must run even where the version already ran; the digest prefix keeps
 * it findable in the console, and it leaves room for attemptExecutionName's suffix.
 */
export function forcedExecutionName(
  key: string,
  audioEtag: string,
  transcriptEtag: string | undefined,
): string {
  const digest = fileVersionDigest(key, audioEtag, transcriptEtag).slice(0, 40);
  return `w2v2-${digest}-f${Date.now().toString(36)}${randomBytes(8).toString('hex')}`;
}

/** The ARN of execution `name` of the state machine `stateMachineArn`. */
export function executionArn(stateMachineArn: string, name: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
}
