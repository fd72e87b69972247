/** The first capture group of `pattern` in `text`; the test fails here, naming the pattern, when it has none. */
export function captured(pattern: RegExp, text: string): string {
  const group = pattern.exec(text)?.[1];
  if (group === undefined) throw new Error(`${pattern} does not match the text`);
  return group;
}
