import type { AlignmentResult } from '../../shared/output/result';

/** A plain-text table of a result's words: word, start, end, score (unaligned words marked). */
export function formatWordTable(result: AlignmentResult): string {
  const rows = result.words.map((word) => [
    word.word,
    word.start.toFixed(3),
    word.end.toFixed(3),
    word.aligned ? word.score.toFixed(2) : `${word.score.toFixed(2)} (unaligned)`,
  ]);
  const header = ['word', 'start (s)', 'end (s)', 'score'];
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column]?.length ?? 0)),
  );
  const line = (cells: string[]): string =>
    cells
      .map((cell, column) => {
        const width = widths[column] ?? 0;
        return column === 0 ? cell.padEnd(width) : cell.padStart(width);
      })
      .join('  ');
  return [line(header), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)].join('\n');
}
