/** Prints rows under a header as aligned plain-text columns. */
export function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
  const line = (cells: string[]) => `${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ')}\n`;
  process.stdout.write(line(header) + line(widths.map((w) => '-'.repeat(w))) + rows.map(line).join(''));
}
