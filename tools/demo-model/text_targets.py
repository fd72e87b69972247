"""Map transcript text to the facebook/wav2vec2-base-960h character vocabulary."""

import re

VOCAB = {
    "<pad>": 0, "<s>": 1, "</s>": 2, "<unk>": 3, "|": 4, "E": 5, "T": 6, "A": 7, "O": 8, "N": 9, "I": 10,
    "H": 11, "S": 12, "R": 13, "D": 14, "L": 15, "U": 16, "M": 17, "W": 18, "C": 19, "F": 20, "G": 21,
    "Y": 22, "P": 23, "B": 24, "V": 25, "K": 26, "'": 27, "X": 28, "J": 29, "Q": 30, "Z": 31,
}
BLANK = VOCAB["<pad>"]
DELIMITER = VOCAB["|"]
ID_TO_TOKEN = {i: t for t, i in VOCAB.items()}

_NON_LETTER = re.compile(r"[^A-Z']+")


def normalize_word(token: str) -> list:
    """Split one whitespace token into vocabulary words: uppercase, hyphens split, other punctuation dropped."""
    parts = _NON_LETTER.split(token.upper().replace("\u2019", "'"))
    return [p.strip("'") for p in parts if p.strip("'")]


def target_words(text: str) -> list:
    """All vocabulary words of a text, in order."""
    return [w for tok in text.split() for w in normalize_word(tok)]


def encode(text: str) -> list:
    """Token ids for a text: letters of each word, `|` between words, no leading/trailing delimiter."""
    ids: list = []
    for word in target_words(text):
        if ids:
            ids.append(DELIMITER)
        ids.extend(VOCAB[c] for c in word)
    return ids


def decode(ids) -> str:
    """Inverse of `encode` for a collapsed id sequence (delimiters become spaces)."""
    return "".join(" " if i == DELIMITER else ID_TO_TOKEN[int(i)] for i in ids if int(i) >= DELIMITER).strip()
