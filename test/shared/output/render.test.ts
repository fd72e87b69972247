import { InvalidInputError } from '../../../shared/errors';
import { renderCtm } from '../../../shared/output/ctm';
import { formatExtension, parseFormats, renderResult } from '../../../shared/output/render';
import { OUTPUT_FORMATS } from '../../../shared/output/result';
import { renderSrt } from '../../../shared/output/srt';
import { renderTextGrid } from '../../../shared/output/textgrid';
import { renderWebVtt } from '../../../shared/output/webvtt';
import { smallRead } from './support/result-fixture';

describe('renderResult', () => {
  it('writes JSON as the indented document with a final newline', () => {
    const result = smallRead();

    const output = renderResult(result, 'json');

    expect(output.endsWith('}\n')).toBe(true);
    expect(output).toContain('\n  "version": 1,');
    expect(JSON.parse(output)).toEqual(result);
  });

  it('hands every other format to its writer', () => {
    const result = smallRead();

    expect(renderResult(result, 'textgrid')).toBe(renderTextGrid(result));
    expect(renderResult(result, 'vtt')).toBe(renderWebVtt(result));
    expect(renderResult(result, 'srt')).toBe(renderSrt(result));
    expect(renderResult(result, 'ctm')).toBe(renderCtm(result));
    expect(renderResult(result, 'html')).toMatch(/^<!doctype html>/);
  });
});

describe('formatExtension', () => {
  it('gives the file extension of each format', () => {
    expect(OUTPUT_FORMATS.map(formatExtension)).toEqual(['.json', '.TextGrid', '.vtt', '.srt', '.ctm']);
  });
});

describe('parseFormats', () => {
  it('reads a comma-separated list in canonical order without repeats', () => {
    expect(parseFormats('vtt,json')).toEqual(['json', 'vtt']);
    expect(parseFormats(' TextGrid , srt,srt ')).toEqual(['textgrid', 'srt']);
  });

  it('expands "all" to every format', () => {
    expect(parseFormats('all')).toEqual([...OUTPUT_FORMATS]);
    expect(parseFormats('ALL,ctm')).toEqual([...OUTPUT_FORMATS]);
  });

  it('leaves the HTML viewer out of "all" and takes it when named', () => {
    expect(parseFormats('all')).not.toContain('html');
    expect(parseFormats('html,json')).toEqual(['json', 'html']);
    expect(parseFormats('all,html')).toEqual([...OUTPUT_FORMATS, 'html']);
  });

  it('names every unknown format and lists the known ones', () => {
    const parse = (): unknown => parseFormats('json,docx,ass');

    expect(parse).toThrow(InvalidInputError);
    expect(parse).toThrow(/"docx", "ass".*json, textgrid, vtt, srt, ctm, or "all"/);
  });

  it('refuses an empty list', () => {
    expect(() => parseFormats(' , ')).toThrow(/no output format given/);
  });
});
