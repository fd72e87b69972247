"""Turn sentences into normalized 16 kHz training/eval examples with CTC targets and true word times."""

import json
import math
import random
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import torchaudio.functional as AF

from corpus import random_sentence
from espeak_synth import Espeak, Voice
from text_targets import encode, normalize_word
from voices import held_out_voice, train_voice

SAMPLE_RATE = 16000


@dataclass
class Example:
    """One utterance: raw 16 kHz float audio, target ids and true word times in seconds."""

    text: str
    audio: np.ndarray
    targets: list
    words: list  # [(word, start_sec | None, end_sec | None)] for each vocabulary word of the text


def normalize(audio: np.ndarray) -> np.ndarray:
    """Zero mean, unit variance per utterance, as Hugging Face's feature extractor with do_normalize."""
    return ((audio - audio.mean()) / np.sqrt(audio.var() + 1e-7)).astype(np.float32)


def text_word_spans(text: str) -> list:
    """(char_start, char_end, [vocab words]) for each whitespace token of the text."""
    spans, pos = [], 0
    for tok in text.split():
        start = text.index(tok, pos)
        pos = start + len(tok)
        spans.append((start, pos, normalize_word(tok)))
    return spans


def token_times(text: str, utt) -> list:
    """Per whitespace token (start, end) in seconds from espeak's phoneme events; None marks unknown times.

    A token starts at its first sounding phoneme and ends where its last sounding phoneme ends (the next
    event). espeak speaks some word pairs as one unit ("no one", "it is") and files all their phonemes under
    the first word, so the inner boundary is unknown: the first token's end and the second token's times
    become None.
    """
    spans = text_word_spans(text)
    times: dict = {}
    for p in utt.phonemes:
        if p.pause:
            continue
        for i, (a, b, _) in enumerate(spans):
            if a <= p.text_pos < b:
                s, e = times.get(i, (p.start, p.end))
                times[i] = (min(s, p.start), max(e, p.end))
                break
    rate = utt.sample_rate
    out: list = []
    for i in range(len(spans)):
        known = times.get(i)
        next_known = i + 1 >= len(spans) or (i + 1) in times or not spans[i + 1][2]
        out.append((known[0] / rate if known else None, known[1] / rate if known and next_known else None))
    return out


def true_word_times(text: str, utt) -> list:
    """Per vocabulary word (word, start, end) in seconds; a hyphenated token only knows its outer boundaries."""
    out: list = []
    for (_, _, vocab_words), (start, end) in zip(text_word_spans(text), token_times(text, utt)):
        for k, w in enumerate(vocab_words):
            out.append((w, start if k == 0 else None, end if k == len(vocab_words) - 1 else None))
    return out


class Synthesizer:
    """espeak + resampling to 16 kHz (one per process)."""

    def __init__(self) -> None:
        self.espeak = Espeak()

    def example(self, text: str, voice: Voice) -> Example:
        """Synthesize `text`, resample to 16 kHz, and attach targets and true word times."""
        utt = self.espeak.synth(text, voice)
        wav = torch.from_numpy(utt.audio.astype(np.float32) / 32768.0)
        wav16 = AF.resample(wav, utt.sample_rate, SAMPLE_RATE).numpy()
        return Example(text=text, audio=wav16, targets=encode(text), words=true_word_times(text, utt))


def _shift(t, by: float):
    return None if t is None else t + by


def augment(ex: Example, rng: random.Random) -> Example:
    """Random gain, leading/trailing silence and background noise (espeak's silences are exact zeros)."""
    lead = int(rng.uniform(0.0, 0.4) * SAMPLE_RATE)
    tail = int(rng.uniform(0.0, 0.4) * SAMPLE_RATE)
    audio = np.concatenate([np.zeros(lead, np.float32), ex.audio, np.zeros(tail, np.float32)])
    audio *= rng.uniform(0.3, 1.5)
    if rng.random() < 0.6:
        rms = math.sqrt(float((audio**2).mean()) + 1e-12)
        snr_db = rng.uniform(20, 50)
        noise = np.random.default_rng(rng.getrandbits(32)).standard_normal(len(audio)).astype(np.float32)
        audio = audio + noise * rms * 10 ** (-snr_db / 20)
    shift = lead / SAMPLE_RATE
    words = [(w, _shift(s, shift), _shift(e, shift)) for w, s, e in ex.words]
    return Example(text=ex.text, audio=audio.astype(np.float32), targets=ex.targets, words=words)


class TrainStream(torch.utils.data.IterableDataset):
    """Endless batches of freshly synthesized, augmented speech, grouped by length to limit padding."""

    def __init__(self, corpus_dir: str, batch_seconds: float, seed: int, random_fraction: float = 0.2) -> None:
        super().__init__()
        self.corpus_dir = corpus_dir
        self.batch_seconds = batch_seconds
        self.seed = seed
        self.random_fraction = random_fraction

    def __iter__(self):
        torch.set_num_threads(1)
        rng = random.Random(self.seed)
        sentences = json.loads(Path(self.corpus_dir, "train.json").read_text())
        words = json.loads(Path(self.corpus_dir, "words.json").read_text())
        synth = Synthesizer()
        while True:
            pool = []
            for _ in range(64):
                text = random_sentence(words, rng) if rng.random() < self.random_fraction else rng.choice(sentences)
                ex = augment(synth.example(text, train_voice(rng)), rng)
                if 0.5 < len(ex.audio) / SAMPLE_RATE < 12 and ex.targets:
                    pool.append(ex)
            pool.sort(key=lambda e: len(e.audio))
            batches, current = [], []
            for ex in pool:
                if current and len(ex.audio) * (len(current) + 1) > self.batch_seconds * SAMPLE_RATE:
                    batches.append(current)
                    current = []
                current.append(ex)
            batches.append(current)
            rng.shuffle(batches)
            for b in batches:
                yield collate(b)


def collate(batch: list) -> tuple:
    """Pad normalized audio with zeros; return (audio [B,S], lengths, concatenated targets, target lengths)."""
    n = max(len(e.audio) for e in batch)
    audio = torch.zeros(len(batch), n)
    for i, e in enumerate(batch):
        audio[i, : len(e.audio)] = torch.from_numpy(normalize(e.audio))
    lengths = torch.tensor([len(e.audio) for e in batch])
    targets = torch.tensor([t for e in batch for t in e.targets])
    target_lengths = torch.tensor([len(e.targets) for e in batch])
    return audio, lengths, targets, target_lengths


def held_out_set(corpus_dir: str, split: str, count: int, seed: int) -> list:
    """A fixed, clean (no augmentation) dev or test set: held-out sentences spoken by held-out voices."""
    rng = random.Random(seed)
    sentences = json.loads(Path(corpus_dir, f"{split}.json").read_text())
    rng.shuffle(sentences)
    synth = Synthesizer()
    return [synth.example(s, held_out_voice(split, rng)) for s in sentences[:count]]
