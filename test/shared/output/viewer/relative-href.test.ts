import { relativeHref } from '../../../../shared/output/viewer/relative-href';

describe('relativeHref', () => {
  it('points from a result key to its audio key with encoded segments', () => {
    expect(relativeHref('results/class 1/a.html', 'incoming/class 1/a#1.wav', '/')).toBe(
      '../../incoming/class%201/a%231.wav',
    );
  });

  it('points to a file next to the page by its name', () => {
    expect(relativeHref('/data/talks/x.align.html', '/data/talks/x.wav', '/')).toBe('x.wav');
  });

  it('reads Windows-style paths when told the separator', () => {
    expect(relativeHref('C:\\out\\x.html', 'C:\\audio\\x.wav', '\\')).toBe('../audio/x.wav');
  });
});
