import {
  attemptExecutionName,
  executionArn,
  executionName,
  forcedExecutionName,
} from '../../../shared/pipeline/execution-names';
import { MAX_EXECUTION_ATTEMPTS } from '../../../shared/pipeline/large-file-handoff';

const NAME = /^[A-Za-z0-9_-]{1,80}$/;

describe('execution names', () => {
  it('names a first execution deterministically from key and ETags', () => {
    // Act
    const name = executionName('incoming/a.wav', 'etag1', 'etag2');

    // Assess
    expect(name).toMatch(/^w2v2-[0-9a-f]{64}$/);
    expect(name).toBe(executionName('incoming/a.wav', 'etag1', 'etag2'));
    expect(name).not.toBe(executionName('incoming/a.wav', 'etag1', 'etag3'));
    expect(name).not.toBe(executionName('incoming/a.wav', 'etag1', undefined));
    expect(name).not.toBe(executionName('incoming/b.wav', 'etag1', 'etag2'));
  });

  it('keeps the first name for attempt 1 and suffixes later attempts with -r<attempt>', () => {
    // Prepare
    const first = executionName('incoming/a.wav', 'etag1', undefined);

    // Act
    const names = [1, 2, MAX_EXECUTION_ATTEMPTS].map((attempt) => attemptExecutionName(first, attempt));

    // Assess
    expect(names).toEqual([first, `${first}-r2`, `${first}-r${MAX_EXECUTION_ATTEMPTS}`]);
    for (const name of names) expect(name).toMatch(NAME);
  });

  it('gives every forced rerun a fresh name that keeps the file version digest', () => {
    // Prepare
    const first = executionName('incoming/a.wav', 'etag1', 'etag2');

    // Act
    const forced = [1, 2, 3].map(() => forcedExecutionName('incoming/a.wav', 'etag1', 'etag2'));

    // Assess
    expect(new Set(forced).size).toBe(3);
    for (const name of forced) {
      expect(name.startsWith(`${first.slice(0, 45)}-f`)).toBe(true);
      expect(attemptExecutionName(name, MAX_EXECUTION_ATTEMPTS)).toMatch(NAME);
    }
  });

  it('derives an execution ARN from the state machine ARN', () => {
    // Act
    const arn = executionArn('arn:aws:states:us-east-1:123456789012:stateMachine:w2v2-gpu', 'w2v2-abc');

    // Assess
    expect(arn).toBe('arn:aws:states:us-east-1:123456789012:execution:w2v2-gpu:w2v2-abc');
  });
});
