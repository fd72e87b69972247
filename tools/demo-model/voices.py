"""Speaker pools: which espeak language/variant/rate draws belong to train, dev and test."""

import random

from espeak_synth import Voice

LANGUAGES = ["en", "en-us", "en-gb-scotland", "en-gb-x-rp", "en-gb-x-gbclan", "en-gb-x-gbcwmd", "en-029"]
TRAIN_VARIANTS = [
    "", "m1", "m2", "m3", "m4", "m5", "m8", "f1", "f2", "f5", "klatt", "klatt2", "klatt4", "klatt6", "Alex",
    "Andy", "adam", "aunty", "benjamin", "caleb", "david", "edward", "grandpa", "john", "linda", "max",
    "michel", "norbert", "robert", "steph", "travis",
]
# Variants never heard in training, so dev and test measure speakers the model has not met.
DEV_VOICES = [("en-gb-x-gbcwmd", "m6"), ("en-us", "f3"), ("en-gb-x-rp", "klatt3"), ("en", "Annie")]
TEST_VOICES = [("en-029", "m7"), ("en-us", "f4"), ("en-gb-scotland", "klatt5"), ("en-gb-x-rp", "grandma"),
               ("en-us", "paul")]


def _name(language: str, variant: str) -> str:
    return f"{language}+{variant}" if variant else language


def train_voice(rng: random.Random) -> Voice:
    """A fresh random training speaker: any language x training variant, rate 120-230 wpm, random pitch."""
    return Voice(
        name=_name(rng.choice(LANGUAGES), rng.choice(TRAIN_VARIANTS)),
        rate=rng.randint(120, 230),
        pitch=rng.randint(15, 85),
        pitch_range=rng.randint(10, 95),
        word_gap=rng.choice([0, 0, 0, 1, 2]),
    )


def held_out_voice(split: str, rng: random.Random) -> Voice:
    """A dev or test speaker: a held-out variant, rate 140-200 wpm."""
    language, variant = rng.choice(DEV_VOICES if split == "dev" else TEST_VOICES)
    return Voice(name=_name(language, variant), rate=rng.randint(140, 200), pitch=rng.randint(30, 70),
                 pitch_range=rng.randint(30, 80))
