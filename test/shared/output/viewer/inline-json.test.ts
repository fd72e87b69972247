import { escapeHtml, inlineJson } from '../../../../shared/output/viewer/inline-json';

describe('inlineJson', () => {
  it('leaves no character that could close a script block or open markup, and parses back', () => {
    const value = { text: '</script><script>alert(1)</script> <!-- a & b \u2028' };

    const json = inlineJson(value);

    expect(json).not.toMatch(/[<>&\u2028]/);
    expect(JSON.parse(json)).toEqual(value);
  });
});

describe('escapeHtml', () => {
  it('escapes the five HTML special characters', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });
});
