"""Speaker attribution by channel energy, for two-channel recordings (see ``ai_analysis.speech``'s convention)."""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from operator import mul

from ai_analysis.audio import PCM_RATE
from ai_analysis.speech.results import Word

FRAMES_PER_SECOND = 100  # energy is measured per 10 ms frame
SAMPLES_PER_FRAME = PCM_RATE // FRAMES_PER_SECOND
# A word belongs to a channel when that channel carries at least this share of the two channels' energy; when the
# median word falls below it, the channels carry the same sound and say nothing about who spoke.
DISTINCT_CHANNEL_SHARE = 0.7


class ChannelEnergy:
    """The energy of each 10 ms frame of both channels, kept only as far back as words may still need it, and the
    louder channel of each word with its share of the energy."""

    def __init__(self):
        self.frames = (array("f"), array("f"))
        self.origin = 0  # frame number of frames[*][0]
        self.attributed: list[tuple[int | None, float]] = []

    def add(self, left: bytes, right: bytes) -> None:
        for pcm, into in zip((left, right), self.frames, strict=True):
            samples = array("h", pcm)
            for offset in range(0, len(samples), SAMPLES_PER_FRAME):
                frame = samples[offset : offset + SAMPLES_PER_FRAME]
                into.append(float(sum(map(mul, frame, frame))))

    def attribute(self, words: Sequence[tuple[str, float, float]]) -> None:
        """Record the louder channel of each new word, then forget frames no later word can reach (words come in
        time order), so memory does not grow with the length of the recording."""
        for _, start, end in words:
            first = max(int(start * FRAMES_PER_SECOND) - self.origin, 0)
            last = max(first + 1, int(end * FRAMES_PER_SECOND) - self.origin)
            totals = [sum(channel[first:last]) for channel in self.frames]
            whole = sum(totals)
            if whole <= 0:
                self.attributed.append((None, 0.0))
            else:
                loudest = 0 if totals[0] >= totals[1] else 1
                self.attributed.append((loudest, totals[loudest] / whole))
        if words:
            keep_from = int(words[-1][2] * FRAMES_PER_SECOND) - self.origin
            for channel in self.frames:
                del channel[: max(keep_from, 0)]
            self.origin += max(keep_from, 0)

    def channels(self) -> list[int | None]:
        """Each word's channel; None for every word when the median word's share shows that the two channels carry
        the same sound."""
        shares = sorted(share for channel, share in self.attributed if channel is not None)
        if not shares or shares[len(shares) // 2] < DISTINCT_CHANNEL_SHARE:
            return [None] * len(self.attributed)
        return [channel for channel, _ in self.attributed]


def mono_mix(left: bytes, right: bytes) -> bytes:
    a, b = array("h", left), array("h", right)
    return array("h", [(x + y) >> 1 for x, y in zip(a, b, strict=True)]).tobytes()


def attributed_words(raw_words: Sequence[tuple[str, float, float]], energy: ChannelEnergy | None) -> tuple[Word, ...]:
    """The recognised words as ``Word`` rows, each with the channel whose energy dominated it (None on mono), for
    every engine alike."""
    if energy is not None:
        energy.attribute(raw_words[len(energy.attributed) :])
        channels = energy.channels()
    else:
        channels = [None] * len(raw_words)
    return tuple(
        Word(text, round(start, 2), round(end, 2), channel)
        for (text, start, end), channel in zip(raw_words, channels, strict=True)
    )
