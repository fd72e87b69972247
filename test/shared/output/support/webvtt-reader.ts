import type { Entity, TreeNode, TreeNodeObjectTagNameWithRt } from 'webvtt-parser';
import { WebVTTParser } from 'webvtt-parser';
import htmlEntities from 'webvtt-parser/html-entities.json';

/**
 * Reads WebVTT through the W3C validator's parser (webvtt-parser, which reports every spec violation,
 * inline timestamps outside the cue or out of order included) and adds the rules it does not enforce:
 * hours written on every timestamp, no `-->` or bare `&` in cue text, one text line per cue.
 */

export interface ReadVttCue {
  startMs: number;
  endMs: number;
  /** Cue text with tags removed and entities decoded. */
  text: string;
  /** Inline timestamps in order, in milliseconds. */
  stamps: number[];
}

const TIMING = /^\d{2,}:[0-5]\d:[0-5]\d\.\d{3} --> \d{2,}:[0-5]\d:[0-5]\d\.\d{3}$/;
const STAMP = /<(\d{2,}:[0-5]\d:[0-5]\d\.\d{3})>/g;

/** Parses WebVTT and throws listing every error found. */
export function readWebVtt(source: string): ReadVttCue[] {
  // The full entity table: the parser's small default one mis-decodes `&gt;` as `>;`.
  const parsed = new WebVTTParser(htmlEntities as Record<Entity, string>).parse(source, 'subtitles');
  const problems = parsed.errors.map((e) => `line ${e.line}: ${e.message}`);
  const blocks = source.replace(/\n$/, '').split('\n\n');
  if (blocks[0] !== 'WEBVTT') problems.push('the header block is not exactly "WEBVTT"');
  blocks.slice(1).forEach((block, i) => {
    const [timing, ...text] = block.split('\n');
    if (!TIMING.test(timing ?? '')) problems.push(`cue ${i + 1} timing line ${JSON.stringify(timing)}`);
    if (text.length !== 1) problems.push(`cue ${i + 1} has ${text.length} text lines`);
    const body = text.join('\n').replace(STAMP, '');
    if (body.includes('-->')) problems.push(`cue ${i + 1} text contains -->`);
    if (/[<>]/.test(body)) problems.push(`cue ${i + 1} text has a raw < or > outside a timestamp tag`);
    if (/&(?!amp;|lt;|gt;)/.test(body)) problems.push(`cue ${i + 1} text has an unescaped &`);
  });
  if (parsed.cues.length !== blocks.length - 1) {
    problems.push(`parser found ${parsed.cues.length} cues in ${blocks.length - 1} blocks`);
  }
  if (problems.length > 0) throw new Error(`invalid WebVTT:\n${problems.join('\n')}`);
  return parsed.cues.map((cue) => {
    const stamps: number[] = [];
    const text = flatten(cue.tree.children, stamps);
    return { startMs: toMs(cue.startTime), endMs: toMs(cue.endTime), text, stamps };
  });
}

function flatten(nodes: readonly TreeNode<TreeNodeObjectTagNameWithRt>[], stamps: number[]): string {
  return nodes
    .map((node) => {
      if (node.type === 'text') return node.value;
      if (node.type === 'timestamp') {
        stamps.push(toMs(node.value));
        return '';
      }
      return flatten(node.children, stamps);
    })
    .join('');
}

function toMs(seconds: number): number {
  return Math.round(seconds * 1000);
}
