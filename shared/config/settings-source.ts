import { readFileSync } from 'node:fs';
import { ConfigError } from '../errors';

/** Where settings come from: environment variables first, then the optional CONFIG_FILE's snake_case keys. */
export class SettingsSource {
  private readonly file: Readonly<Record<string, unknown>>;

  public constructor(
    private readonly env: Readonly<Record<string, string | undefined>>,
    file: Readonly<Record<string, unknown>> = {},
  ) {
    this.file = file;
  }

  /** Reads CONFIG_FILE (when set) and pairs it with the environment. */
  public static fromEnvironment(env: Readonly<Record<string, string | undefined>>): SettingsSource {
    const path = env.CONFIG_FILE;
    if (path === undefined || path === '') return new SettingsSource(env);
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      throw new ConfigError(`CONFIG_FILE "${path}" could not be read as JSON: ${(error as Error).message}`, {
        cause: error,
      });
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new ConfigError(`CONFIG_FILE "${path}" must hold a JSON object of snake_case settings`);
    }
    return new SettingsSource(env, parsed as Record<string, unknown>);
  }

  /**
   * The raw value of the first name that is set, with the name it was found under (for error messages).
   * Environment names are upper case; the file is searched for the lower-case spelling of each.
   */
  public lookup(names: readonly string[]): { name: string; value: string } | undefined {
    for (const name of names) {
      const value = this.env[name];
      if (value !== undefined && value.trim() !== '') return { name, value: value.trim() };
    }
    for (const name of names) {
      const key = name.toLowerCase();
      if (!(key in this.file)) continue;
      const value = this.file[key];
      if (value === null || value === undefined) continue;
      if (typeof value === 'object')
        throw new ConfigError(`CONFIG_FILE key "${key}" must be a string, number or boolean`);
      return { name: `${key} (CONFIG_FILE)`, value: String(value).trim() };
    }
    return undefined;
  }

  /** A boolean setting: true/false, 1/0, yes/no, on/off (any case). */
  public boolean(names: readonly string[], fallback: boolean): boolean {
    const found = this.lookup(names);
    if (found === undefined) return fallback;
    const value = found.value.toLowerCase();
    if (['true', '1', 'yes', 'on'].includes(value)) return true;
    if (['false', '0', 'no', 'off'].includes(value)) return false;
    throw new ConfigError(`${found.name} must be a boolean (true or false), got "${found.value}"`);
  }

  /** A non-negative number; `integer`, `min` and `positive` tighten it. */
  public number(
    names: readonly string[],
    fallback: number,
    constraints: { integer?: boolean; min?: number; positive?: boolean } = {},
  ): number {
    const found = this.lookup(names);
    if (found === undefined) return fallback;
    const value = Number(found.value);
    const min = constraints.min ?? 0;
    const kind = constraints.integer === true ? 'an integer' : 'a number';
    const bound = constraints.positive === true ? '> 0' : `>= ${min}`;
    const valid =
      Number.isFinite(value) &&
      (constraints.integer !== true || Number.isInteger(value)) &&
      value >= min &&
      (constraints.positive !== true || value > 0);
    if (!valid) throw new ConfigError(`${found.name} must be ${kind} ${bound}, got "${found.value}"`);
    return value;
  }

  /** An optional non-empty string. */
  public string(names: readonly string[]): string | undefined {
    return this.lookup(names)?.value;
  }
}
