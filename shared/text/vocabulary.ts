import { AlignError } from '../errors';

/** The text-related settings of a model (Hugging Face names), from `config.json` or the tokenizer's files. */
export interface ModelTextConfig {
  pad_token_id?: number;
  /** The blank by name, as the tokenizer's files give it; used when there is no `pad_token_id`. */
  pad_token?: string;
  word_delimiter_token?: string;
  unk_token?: string;
}

/** The file each setting was read from, for error messages; a setting without an entry is config.json's. */
export type TextConfigSources = Readonly<Partial<Record<keyof ModelTextConfig, string>>>;

/** Which case the vocabulary writes its letters in, so transcripts can be folded to match. */
export type LetterCase = 'upper' | 'lower' | 'mixed' | 'none';

/** A CTC model vocabulary: ids, the blank, the word delimiter and the characters a transcript may use. */
export interface Vocabulary {
  readonly size: number;
  readonly idToToken: readonly string[];
  /** The CTC blank, which is the pad token in Hugging Face wav2vec2 exports. */
  readonly blankId: number;
  /** The token written between words (`|`), or null when the model has none. */
  readonly delimiterId: number | null;
  readonly unkId: number | null;
  /** Ids of tokens never produced from transcript text (blank, unk, `<...>`, the delimiter). */
  readonly specialIds: ReadonlySet<number>;
  /** Single-character, non-special tokens keyed by their NFC form: what transcript characters map to. */
  readonly charToId: ReadonlyMap<string, number>;
  readonly letterCase: LetterCase;
  /** True when every ASCII digit is a token, i.e. the model was trained on written-out digits. */
  readonly hasDigits: boolean;
}

/** The text of token `id`; throws MODEL when the vocabulary has no such id (emissions wider than vocab.json). */
export function tokenText(vocabulary: Vocabulary, id: number): string {
  const token = vocabulary.idToToken[id];
  if (token === undefined) {
    throw modelError(
      `token id ${id} is outside the model's ${vocabulary.size}-token vocabulary (vocab.json)`,
    );
  }
  return token;
}

/** Far above any CTC character vocabulary; a bigger map is a wrong file, not a model. */
const MAX_VOCAB_SIZE = 1 << 20;
const DEFAULT_DELIMITER = '|';
const DEFAULT_UNK = '<unk>';
const DEFAULT_PAD = '<pad>';

/** Builds the vocabulary from vocab.json's token->id map and the model config, validating ids are 0..n-1. */
export function createVocabulary(
  tokenToId: Record<string, number>,
  config: ModelTextConfig,
  sources: TextConfigSources = {},
): Vocabulary {
  const idToToken = validateIds(tokenToId);
  const tokenIds = new Map(idToToken.map((token, id) => [token, id]));
  const field = (name: keyof ModelTextConfig) => `${sources[name] ?? 'config.json'} ${name}`;
  const blankId = resolveBlank(config, tokenIds, idToToken.length, field);
  const delimiterId = resolveDelimiter(config, tokenIds, field);
  if (delimiterId === blankId) {
    throw modelError(
      `the word delimiter ${JSON.stringify(idToToken[blankId])} is also the blank (pad) token`,
    );
  }
  const unkToken = optionalString(config.unk_token, field('unk_token')) ?? DEFAULT_UNK;
  const unkId = tokenIds.get(unkToken) ?? null;

  const specialIds = new Set<number>([blankId]);
  if (unkId !== null) specialIds.add(unkId);
  if (delimiterId !== null) specialIds.add(delimiterId);
  idToToken.forEach((token, id) => {
    if (/^<.+>$/su.test(token)) specialIds.add(id);
  });

  const charToId = new Map<string, number>();
  idToToken.forEach((token, id) => {
    if (specialIds.has(id)) return;
    const key = token.normalize('NFC');
    // Tokens are looked up one transcript character at a time, as Hugging Face's CTC tokenizer does.
    if ([...key].length === 1 && !charToId.has(key)) charToId.set(key, id);
  });

  return {
    size: idToToken.length,
    idToToken,
    blankId,
    delimiterId,
    unkId,
    specialIds,
    charToId,
    letterCase: letterCaseOf(charToId.keys()),
    hasDigits: [...'0123456789'].every((digit) => charToId.has(digit)),
  };
}

function validateIds(tokenToId: Record<string, number>): string[] {
  if (typeof tokenToId !== 'object' || tokenToId === null || Array.isArray(tokenToId)) {
    throw modelError('vocab.json must be a JSON object mapping each token to its integer id');
  }
  const entries = Object.entries(tokenToId);
  if (entries.length === 0) throw modelError('vocab.json is empty; it must map tokens to ids 0..n-1');
  if (entries.length > MAX_VOCAB_SIZE) {
    throw modelError(`vocab.json has ${entries.length} tokens; at most ${MAX_VOCAB_SIZE} are supported`);
  }
  const idToToken = new Array<string | undefined>(entries.length).fill(undefined);
  for (const [token, id] of entries) {
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id >= entries.length) {
      throw modelError(
        `vocab.json token ${JSON.stringify(token)} has id ${JSON.stringify(id)}; ids must be the integers ` +
          `0..${entries.length - 1} (contiguous from 0, one per token)`,
      );
    }
    const previous = idToToken[id];
    if (previous !== undefined) {
      throw modelError(
        `vocab.json gives id ${id} to both ${JSON.stringify(previous)} and ${JSON.stringify(token)}; ids must be unique`,
      );
    }
    idToToken[id] = token;
  }
  // n distinct ids in 0..n-1 are necessarily contiguous, so every slot is filled here.
  return idToToken as string[];
}

/** Names a setting with the file it came from, as error messages show it. */
type FieldName = (name: keyof ModelTextConfig) => string;

function resolveBlank(
  config: ModelTextConfig,
  tokenIds: Map<string, number>,
  size: number,
  field: FieldName,
): number {
  const configured = config.pad_token_id as unknown;
  if (configured === undefined || configured === null) {
    const named = optionalString(config.pad_token, field('pad_token'));
    const pad = tokenIds.get(named ?? DEFAULT_PAD);
    if (pad === undefined && named !== undefined) {
      throw modelError(
        `${field('pad_token')} is ${JSON.stringify(named)} but vocab.json has no such token to use as the CTC blank`,
      );
    }
    if (pad === undefined) {
      throw modelError(
        `config.json has no pad_token_id and vocab.json has no ${DEFAULT_PAD} token to use as the CTC blank`,
      );
    }
    return pad;
  }
  if (
    typeof configured !== 'number' ||
    !Number.isInteger(configured) ||
    configured < 0 ||
    configured >= size
  ) {
    throw modelError(
      `${field('pad_token_id')} is ${JSON.stringify(configured)}; it must be an integer id in 0..${size - 1} (the CTC blank)`,
    );
  }
  return configured;
}

function resolveDelimiter(
  config: ModelTextConfig,
  tokenIds: Map<string, number>,
  field: FieldName,
): number | null {
  const configured = optionalString(config.word_delimiter_token, field('word_delimiter_token'));
  if (configured === undefined) return tokenIds.get(DEFAULT_DELIMITER) ?? null;
  const id = tokenIds.get(configured);
  if (id === undefined) {
    throw modelError(
      `${field('word_delimiter_token')} is ${JSON.stringify(configured)} but vocab.json has no such token; ` +
        'set it to the token the model writes between words (usually "|")',
    );
  }
  return id;
}

function optionalString(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.length === 0) {
    throw modelError(`${field} is ${JSON.stringify(value)}; it must be a non-empty string`);
  }
  return value;
}

function letterCaseOf(chars: Iterable<string>): LetterCase {
  let upper = false;
  let lower = false;
  for (const char of chars) {
    const up = char.toUpperCase();
    const low = char.toLowerCase();
    // Letters like "ß" whose other case is several characters say nothing about the vocabulary's case.
    if (up === low || [...up].length !== 1 || [...low].length !== 1) continue;
    if (char === up) upper = true;
    else if (char === low) lower = true;
  }
  if (upper && lower) return 'mixed';
  if (upper) return 'upper';
  return lower ? 'lower' : 'none';
}

function modelError(message: string): AlignError {
  return new AlignError('MODEL', message);
}
