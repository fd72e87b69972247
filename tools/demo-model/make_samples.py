"""Write the held-out sample fixtures (WAV + transcript + espeak ground-truth word times) into samples/."""

import argparse
import json
import re
import wave
from pathlib import Path

import numpy as np
import torch
import torchaudio.functional as AF

from audio_data import text_word_spans, token_times
from espeak_synth import Espeak, Voice

PAD_SEC = 0.3
# (name, text, voice, output sample rate, channels); every voice variant here is held out of training.
SAMPLES = [
    ("harbor-1999", "In 1999, the old harbor museum finally reopened its doors.", Voice("en-029+m7", 160, 45, 50),
     16000, 1),
    ("well-known-sailor", "A well-known sailor told us a story about the northern lights.",
     Voice("en-us+f4", 175, 60, 60), 16000, 2),
    ("blue-notebook", "Please hand me the blue notebook before the meeting starts.",
     Voice("en-gb-scotland+klatt5", 150, 50, 40), 22050, 1),
    ("puppy-tail", "The children laughed when the puppy chased its own tail.",
     Voice("en-gb-x-rp+grandma", 185, 40, 60), 16000, 1),
    ("quiet-rivers", "Quiet rivers carry heavy stones toward the sea.", Voice("en-us+paul", 145, 55, 45), 16000, 1),
]


def _write_wav(path: Path, audio: np.ndarray, rate: int, channels: int) -> None:
    pcm = np.clip(np.round(audio * 32767), -32768, 32767).astype(np.int16)
    if channels == 2:
        # The right channel is quieter so a downmix that drops a channel would be noticed.
        pcm = np.stack([pcm, (pcm * 0.6).astype(np.int16)], axis=1).reshape(-1)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm.tobytes())


def main() -> None:
    """Synthesize each sample, refusing any whose word times espeak cannot give one by one."""
    p = argparse.ArgumentParser()
    p.add_argument("--out", default=str(Path(__file__).resolve().parents[2] / "samples"))
    args = p.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    espeak = Espeak()
    for name, text, voice, rate, channels in SAMPLES:
        utt = espeak.synth(text, voice)
        times = token_times(text, utt)
        if any(t is None for pair in times for t in pair):
            raise SystemExit(f"{name}: espeak merged words in {text!r}; pick another sentence")
        audio = utt.audio.astype(np.float32) / 32768.0
        if rate != utt.sample_rate:
            audio = AF.resample(torch.from_numpy(audio), utt.sample_rate, rate).numpy()
        pad = np.zeros(int(PAD_SEC * rate), np.float32)
        audio = np.concatenate([pad, audio, pad])
        _write_wav(out / f"{name}.wav", audio, rate, channels)
        (out / f"{name}.txt").write_text(text + "\n")
        words = [
            {"word": re.sub(r"^\W+|\W+$", "", tok), "start": round(s + PAD_SEC, 3), "end": round(e + PAD_SEC, 3)}
            for (a, b, _), (s, e) in zip(text_word_spans(text), times)
            for tok in [text[a:b]]
        ]
        truth = {"text": text, "sampleRate": rate, "words": words}
        (out / f"{name}.truth.json").write_text(json.dumps(truth, indent=2) + "\n")
        print(f"{name}: {len(audio) / rate:.2f}s {rate} Hz x{channels}, voice {voice.name} rate {voice.rate}")


if __name__ == "__main__":
    main()
