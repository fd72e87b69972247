/** A parsed protobuf text-format message: every field is a list of its values (fields may repeat). */
export type PbMessage = { [field: string]: PbValue[] };
export type PbValue = string | number | PbMessage;

const TOKEN =
  /\s*(?:("(?:[^"\\]|\\.)*")|([-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)|([A-Za-z_][A-Za-z0-9_]*)|([{}[\]:,]))/y;

/**
 * Parses the protobuf text format Triton reads config.pbtxt in (messages, lists, strings, numbers, enums), so
 * tests check a written configuration by its structure rather than by its spelling.
 */
export function parsePbtxt(text: string): PbMessage {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.trimEnd().length) {
    const match = TOKEN.exec(text);
    if (match === null)
      throw new Error(
        `unexpected text at ${TOKEN.lastIndex}: ${text.slice(TOKEN.lastIndex, TOKEN.lastIndex + 20)}`,
      );
    tokens.push(match[0].trim());
  }
  let at = 0;
  const next = (): string => {
    const token = tokens[at++];
    if (token === undefined) throw new Error('unexpected end of config');
    return token;
  };
  const scalar = (token: string): string | number => {
    if (token.startsWith('"')) return JSON.parse(token) as string;
    const number = Number(token);
    return Number.isNaN(number) ? token : number;
  };
  const value = (): PbValue[] => {
    const token = next();
    if (token === '{') return [message('}')];
    if (token !== '[') return [scalar(token)];
    const items: PbValue[] = [];
    while (tokens[at] !== ']') {
      items.push(...value());
      if (tokens[at] === ',') at++;
    }
    at++;
    return items;
  };
  const message = (end: string | undefined): PbMessage => {
    const fields: PbMessage = {};
    while (at < tokens.length && tokens[at] !== end) {
      const name = next();
      if (tokens[at] === ':') at++;
      fields[name] = [...(fields[name] ?? []), ...value()];
    }
    if (end !== undefined) at++;
    return fields;
  };
  return message(undefined);
}
