"""CTC decoding, forced alignment (Viterbi over the CTC trellis) and the accuracy measures."""

import numpy as np
import torch

from audio_data import normalize
from text_targets import BLANK, DELIMITER, decode

FRAME_SEC = 0.02


def log_probs_of(model, audio: np.ndarray) -> np.ndarray:
    """[frames, 32] log-probabilities for one raw 16 kHz utterance (normalized here)."""
    model.eval()
    with torch.no_grad():
        logits = model(torch.from_numpy(normalize(audio))[None])[0]
    return logits.log_softmax(-1).numpy()


def greedy_ids(log_probs: np.ndarray) -> list:
    """Best path: argmax per frame, collapse repeats, drop blanks."""
    best = log_probs.argmax(-1)
    out, prev = [], -1
    for t in best:
        if t != prev and t != BLANK:
            out.append(int(t))
        prev = t
    return out


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance between two strings."""
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (ca != cb))
    return row[-1]


def greedy_cer(model, examples: list) -> float:
    """Character error rate of greedy decoding (spaces count as characters, like `|`)."""
    errors = total = 0
    for ex in examples:
        hyp = decode(greedy_ids(log_probs_of(model, ex.audio)))
        ref = decode(ex.targets)
        errors += edit_distance(hyp, ref)
        total += len(ref)
    return errors / max(total, 1)


def forced_align(log_probs: np.ndarray, targets: list) -> np.ndarray:
    """Viterbi path over the CTC trellis (blank-interleaved targets); returns the target index per frame or -1."""
    states = [BLANK]
    for t in targets:
        states += [t, BLANK]
    n_frames, n_states = len(log_probs), len(states)
    states_arr = np.array(states)
    emit = log_probs[:, states_arr]
    # A state may be skipped into from two back when it is a label different from the label two back.
    can_skip = np.zeros(n_states, bool)
    for s in range(2, n_states):
        can_skip[s] = states[s] != BLANK and states[s] != states[s - 2]
    score = np.full(n_states, -np.inf)
    score[0] = emit[0, 0]
    if n_states > 1:
        score[1] = emit[0, 1]
    back = np.zeros((n_frames, n_states), np.int8)
    for t in range(1, n_frames):
        stay = score
        step = np.concatenate([[-np.inf], score[:-1]])
        skip = np.where(can_skip, np.concatenate([[-np.inf, -np.inf], score[:-2]]), -np.inf)
        cand = np.stack([stay, step, skip])
        choice = cand.argmax(0)
        back[t] = choice
        score = cand[choice, np.arange(n_states)] + emit[t]
    s = n_states - 1 if n_states == 1 or score[-1] >= score[-2] else n_states - 2
    path = np.empty(n_frames, int)
    for t in range(n_frames - 1, -1, -1):
        path[t] = s
        s -= back[t, s]
    # Odd states are labels: label index = (state - 1) / 2.
    return np.where(path % 2 == 1, (path - 1) // 2, -1)


def word_spans(label_per_frame: np.ndarray, targets: list) -> list:
    """(first frame, last frame + 1) of each word's letters on the aligned path, in frames."""
    spans, current = [], []
    for i, t in enumerate(targets):
        if t == DELIMITER:
            spans.append(current)
            current = []
        else:
            current.append(i)
    spans.append(current)
    out = []
    for letters in spans:
        frames = np.nonzero(np.isin(label_per_frame, letters))[0]
        out.append((int(frames[0]), int(frames[-1]) + 1) if len(frames) else (None, None))
    return out


def score_examples(model, examples: list) -> tuple:
    """One forward pass per utterance: (greedy CER, signed start errors, signed end errors) in seconds.

    Errors are predicted minus true, uncorrected, over every word boundary whose true time is known.
    """
    starts, ends = [], []
    errors = total = 0
    for ex in examples:
        lp = log_probs_of(model, ex.audio)
        ref = decode(ex.targets)
        errors += edit_distance(decode(greedy_ids(lp)), ref)
        total += len(ref)
        spans = word_spans(forced_align(lp, ex.targets), ex.targets)
        for (a, b), (_, s, e) in zip(spans, ex.words):
            if a is None:
                continue
            if s is not None:
                starts.append(a * FRAME_SEC - s)
            if e is not None:
                ends.append(b * FRAME_SEC - e)
    return errors / max(total, 1), np.array(starts), np.array(ends)
