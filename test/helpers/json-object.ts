/**
 * Parses the text of an object a test expects to exist. When there is none the test fails here, naming the key,
 * instead of with JSON's "undefined is not valid JSON" further on.
 */
export function parseJsonObject(key: string, text: string | undefined) {
  if (text === undefined) throw new Error(`expected an object at ${key}, found none`);
  return JSON.parse(text);
}
