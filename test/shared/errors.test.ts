import {
  AlignError,
  AlignmentImpossibleError,
  InternalError,
  toAlignError,
  UnknownTokensError,
} from '../../shared/errors';

describe('AlignError', () => {
  it('keeps a stable code, its name and the cause it wraps', () => {
    // Prepare
    const cause = new Error('socket hang up');

    // Act
    const error = new AlignError('S3', 'could not read the object', { cause, retryable: true });

    // Assess
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe('S3');
    expect(error.name).toBe('AlignError');
    expect(error.cause).toBe(cause);
    expect(error.retryable).toBe(true);
  });

  it('says how many frames an impossible alignment needed and had', () => {
    const error = new AlignmentImpossibleError(12, 7);

    expect(error.code).toBe('ALIGNMENT_IMPOSSIBLE');
    expect(error.message).toContain('at least 12 frames');
    expect(error.message).toContain('has 7');
  });

  it('names every unknown token', () => {
    const error = new UnknownTokensError(['é', '€']);

    expect(error.code).toBe('UNKNOWN_TOKENS');
    expect(error.message).toContain('"é"');
    expect(error.message).toContain('"€"');
  });

  it('reports a broken invariant as INTERNAL, not retryable', () => {
    const error = new InternalError('no run to extend');

    expect(error).toBeInstanceOf(AlignError);
    expect(error.code).toBe('INTERNAL');
    expect(error.name).toBe('InternalError');
    expect(error.retryable).toBe(false);
  });

  it('wraps foreign errors as INTERNAL and passes AlignErrors through', () => {
    const own = new AlignError('MODEL', 'bad model');

    expect(toAlignError(own)).toBe(own);
    expect(toAlignError(new TypeError('x')).code).toBe('INTERNAL');
    expect(toAlignError('plain string').message).toBe('plain string');
  });
});
