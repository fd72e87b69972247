import { InvalidInputError } from '../../../shared/errors';
import { parseActivityDescriptor } from '../../../shared/pipeline/activity-descriptor';

describe('parseActivityDescriptor', () => {
  it('reads the documented fields and parses formats', () => {
    const descriptor = parseActivityDescriptor(
      JSON.stringify({
        text: 'hi',
        activityId: 'a-1',
        language: 'en',
        backend: 'cpu',
        formats: ['VTT', 'json'],
        extra: 1,
      }),
      'incoming/a.json',
    );

    expect(descriptor).toEqual({
      text: 'hi',
      activityId: 'a-1',
      language: 'en',
      backend: 'cpu',
      formats: ['json', 'vtt'],
    });
  });

  it.each([
    ['an alignment result', { version: 1, mode: 'align', text: 'hi', words: [{ word: 'hi' }], source: {} }],
    ['a result cut down to its source', { version: 1, text: 'hi', source: { path: '/a.wav' } }],
  ])('takes %s for no descriptor, though it has a text', (_name, document) => {
    // Act
    const descriptor = parseActivityDescriptor(JSON.stringify(document), 'incoming/a.json');

    // Assess
    expect(descriptor).toBeUndefined();
  });

  it("reads a descriptor that has a version of its own but none of the result's lists", () => {
    // Act
    const descriptor = parseActivityDescriptor('{"text": "hi", "version": 1}', 'incoming/a.json');

    // Assess
    expect(descriptor?.text).toBe('hi');
  });

  it.each([
    ['{"text": 5}', 'text'],
    ['{"txt": "hello"}', 'text'],
    ['{"text": "x", "backend": "gpu"}', 'backend'],
    ['not json', 'not valid JSON'],
    ['{"text": "x", "formats": ["docx"]}', 'docx'],
  ])('refuses %s with a message naming the problem and the expected shape', (json, named) => {
    const parse = (): unknown => parseActivityDescriptor(json, 'incoming/a.json');

    expect(parse).toThrow(InvalidInputError);
    expect(parse).toThrow(named);
  });
});
