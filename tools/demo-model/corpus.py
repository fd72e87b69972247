"""Build the English sentence corpus (fortune databases + dictionary words) and its train/dev/test split."""

import hashlib
import json
import random
import re
import sys
from pathlib import Path

from text_targets import target_words

FORTUNE_DIR = Path("/usr/share/games/fortunes")
WORDS_FILE = Path("/usr/share/dict/words")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
# Only plain prose survives: letters, apostrophes, hyphens between letters and light punctuation.
_ALLOWED = re.compile(r"^[A-Za-z][A-Za-z' ,;:.!?\-]*$")


def _fortune_texts() -> list:
    texts = []
    for path in sorted(FORTUNE_DIR.iterdir()):
        if path.suffix or not path.is_file():
            continue
        raw = path.read_text(encoding="utf-8", errors="ignore")
        texts.extend(raw.split("\n%\n"))
    return texts


def _clean(sentence: str) -> str:
    s = " ".join(sentence.replace("\u2019", "'").split())
    s = s.replace(" -- ", ", ").replace("--", ", ").strip(" \"'()")
    # Shouted words are read the same way; lowercasing keeps espeak from spelling some out letter by letter.
    return re.sub(r"\b[A-Z]{2,}\b", lambda m: m.group(0).lower(), s)


def fortune_sentences() -> list:
    """Unique, speakable sentences (3-22 words, no digits or symbols) from every fortune database."""
    seen, out = set(), []
    for text in _fortune_texts():
        # Attribution lines ("-- Author") and indented verse or code are not prose.
        lines = [ln for ln in text.split("\n") if ln.strip() and not ln.startswith((" ", "\t"))]
        text = " ".join(lines)
        for sentence in _SENTENCE_END.split(" ".join(text.split())):
            s = _clean(sentence)
            if not _ALLOWED.match(s) or re.search(r"(^|\s)-|-(\s|$)|[.!?]\S", s):
                continue
            words = target_words(s)
            if not 3 <= len(words) <= 22 or any(len(w) > 16 for w in words):
                continue
            key = " ".join(words)
            if key not in seen:
                seen.add(key)
                out.append(s)
    return out


def dictionary_words() -> list:
    """Lowercase dictionary words (with possessives), for random word-sequence sentences."""
    words = WORDS_FILE.read_text(encoding="utf-8", errors="ignore").split()
    return [w for w in words if re.fullmatch(r"[a-z]+('s)?", w) and len(w) <= 14]


def split_of(sentence: str) -> str:
    """Deterministic split by hash of the normalized words: about 2% dev, 2% test, the rest train."""
    h = int(hashlib.sha1(" ".join(target_words(sentence)).encode()).hexdigest()[:8], 16) % 100
    return "dev" if h < 2 else "test" if h < 4 else "train"


def random_sentence(words: list, rng: random.Random) -> str:
    """A random word sequence with light punctuation, so spelling is learnt beyond the fortune vocabulary."""
    n = rng.randint(3, 12)
    picked = [rng.choice(words) for _ in range(n)]
    if rng.random() < 0.3:
        picked[rng.randrange(n)] += ","
    s = " ".join(picked)
    return s[0].upper() + s[1:] + rng.choice([".", ".", "?", "!"])


def main(out_dir: str) -> None:
    """Write train/dev/test sentence lists and the dictionary word list as JSON."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    splits: dict = {"train": [], "dev": [], "test": []}
    for s in fortune_sentences():
        splits[split_of(s)].append(s)
    for name, items in splits.items():
        (out / f"{name}.json").write_text(json.dumps(items, indent=0))
    (out / "words.json").write_text(json.dumps(dictionary_words()))
    print({k: len(v) for k, v in splits.items()})


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/tmp/demo-model-work/corpus")
