"""Synthesize English speech with espeak-ng's C library and keep its word/phoneme events as ground-truth times."""

import ctypes
import ctypes.util
from dataclasses import dataclass

import numpy as np

_AUDIO_OUTPUT_SYNCHRONOUS = 2
_INITIALIZE_PHONEME_EVENTS = 0x0001
_CHARS_UTF8 = 1
_POS_CHARACTER = 1
_EVENT_LIST_TERMINATED = 0
_EVENT_WORD = 1
_EVENT_END = 5
_EVENT_PHONEME = 7
_PARAM_RATE = 1
_PARAM_VOLUME = 2
_PARAM_PITCH = 3
_PARAM_RANGE = 4
_PARAM_WORDGAP = 7


class _EventId(ctypes.Union):
    _fields_ = [("number", ctypes.c_int), ("name", ctypes.c_char_p), ("string", ctypes.c_char * 8)]


class _Event(ctypes.Structure):
    _fields_ = [
        ("type", ctypes.c_int),
        ("unique_identifier", ctypes.c_uint),
        ("text_position", ctypes.c_int),
        ("length", ctypes.c_int),
        ("audio_position", ctypes.c_int),
        ("sample", ctypes.c_int),
        ("user_data", ctypes.c_void_p),
        ("id", _EventId),
    ]


_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.POINTER(_Event))


@dataclass
class Voice:
    """One speaker setting: espeak voice name (language+variant), rate (wpm), pitch and pitch range (0-100)."""

    name: str
    rate: int
    pitch: int
    pitch_range: int
    word_gap: int = 0


@dataclass
class Phoneme:
    """One phoneme event: 0-based character position of the word it belongs to, start sample, pause flag."""

    text_pos: int
    start: int
    end: int
    pause: bool


@dataclass
class Utterance:
    """Synthesized audio (int16 at `sample_rate`) with its phonemes in time order."""

    audio: np.ndarray
    sample_rate: int
    phonemes: list


class Espeak:
    """A thin, single-threaded wrapper around libespeak-ng in synchronous mode (one per process)."""

    def __init__(self) -> None:
        path = ctypes.util.find_library("espeak-ng") or "libespeak-ng.so.1"
        self._lib = ctypes.CDLL(path)
        self._lib.espeak_Initialize.restype = ctypes.c_int
        self.sample_rate = self._lib.espeak_Initialize(_AUDIO_OUTPUT_SYNCHRONOUS, 0, None, _INITIALIZE_PHONEME_EVENTS)
        if self.sample_rate <= 0:
            raise RuntimeError("espeak_Initialize failed: is espeak-ng-data installed?")
        self._chunks: list = []
        self._events: list = []
        # Keep a reference so the callback is not garbage-collected while C holds it.
        self._callback = _CALLBACK(self._on_audio)
        self._lib.espeak_SetSynthCallback(self._callback)
        self._lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        self._lib.espeak_Synth.argtypes = [
            ctypes.c_void_p,
            ctypes.c_size_t,
            ctypes.c_uint,
            ctypes.c_int,
            ctypes.c_uint,
            ctypes.c_uint,
            ctypes.c_void_p,
            ctypes.c_void_p,
        ]

    def _on_audio(self, wav, count, events) -> int:
        if count > 0:
            self._chunks.append(np.ctypeslib.as_array(wav, shape=(count,)).copy())
        i = 0
        while events[i].type != _EVENT_LIST_TERMINATED:
            e = events[i]
            if e.type in (_EVENT_WORD, _EVENT_PHONEME, _EVENT_END):
                self._events.append((e.type, e.text_position, e.length, e.sample, bytes(e.id.string)))
            i += 1
        return 0

    def synth(self, text: str, voice: Voice) -> Utterance:
        """Speak `text` with `voice`, recording phoneme start/end samples (end = start of the next event)."""
        if self._lib.espeak_SetVoiceByName(voice.name.encode()) != 0:
            raise ValueError(f"unknown espeak voice {voice.name!r}")
        self._lib.espeak_SetParameter(_PARAM_RATE, voice.rate, 0)
        self._lib.espeak_SetParameter(_PARAM_PITCH, voice.pitch, 0)
        self._lib.espeak_SetParameter(_PARAM_RANGE, voice.pitch_range, 0)
        self._lib.espeak_SetParameter(_PARAM_WORDGAP, voice.word_gap, 0)
        self._lib.espeak_SetParameter(_PARAM_VOLUME, 100, 0)
        self._chunks, self._events = [], []
        data = text.encode("utf-8") + b"\0"
        buf = ctypes.create_string_buffer(data)
        self._lib.espeak_Synth(buf, len(data), 0, _POS_CHARACTER, 0, _CHARS_UTF8, None, None)
        audio = np.concatenate(self._chunks) if self._chunks else np.zeros(0, np.int16)
        return Utterance(audio=audio, sample_rate=self.sample_rate, phonemes=_phonemes(self._events, len(audio)))


def _is_pause(phoneme: bytes) -> bool:
    name = phoneme.rstrip(b"\0")
    return name == b"" or name.startswith(b"_")


def _phonemes(events: list, total: int) -> list:
    """Phoneme events in time order; each ends where the next phoneme (or the end of speech) begins."""
    timed = sorted(
        ((sample, i, kind, pos, pid) for i, (kind, pos, _, sample, pid) in enumerate(events) if kind != _EVENT_WORD),
        key=lambda x: (x[0], x[1]),
    )
    out: list = []
    for k, (sample, _, kind, pos, pid) in enumerate(timed):
        if kind != _EVENT_PHONEME:
            continue
        end = timed[k + 1][0] if k + 1 < len(timed) else total
        out.append(Phoneme(text_pos=pos - 1, start=sample, end=end, pause=_is_pause(pid)))
    return out
