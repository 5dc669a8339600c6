"""Cost of the local scorer (issue 12): model load, scoring a 60-minute interview, peak memory.

Builds a long interview that reads like a real one, without any golden-set text: an interviewer asking about six
criteria in turn (each asked several times, with follow-ups and small talk in between), a candidate answering in
2-6 sentences built from varied parts (situations, actions, numbers, outcomes, asides), about 150 spoken words a
minute. Then, in this process:

1. loads the embedding model (``ai_analysis.semantic.model.encoder``: hash checks, tokenizer, onnxruntime session);
2. scores the interview once with ``LocalEvidenceScorer`` (one thread, as a worker runs it), then ``--rounds`` more
   times, and reports the median;
3. reports the peak resident memory of the process (``ru_maxrss``) and how the scoring time compares with the
   transcription time of the same length at Whisper base's measured real-time factor (bench_audio: 0.10-0.13).

It uses no database and no network. ``--minutes`` sets the length; ``--seed`` the interview's randomness.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

WORDS_PER_MINUTE = 150
WHISPER_BASE_RTF = (0.10, 0.13)  # bench_audio, one thread, 60-minute file

CRITERIA = [
    (
        "Customer communication",
        "Explains work, costs and changes to customers clearly.",
        "What was explained, how, and what the customer understood or decided.",
        {1: "Leaves customers guessing", 3: "Answers questions when asked", 5: "Explains plainly and early"},
        ["How do you keep a customer informed when a job changes?", "Tell me about explaining a cost to a client."],
    ),
    (
        "Planning and prioritising",
        "Plans the week so that the important work gets done on time.",
        "How work was ordered, estimated and re-planned when something changed.",
        {1: "Works on whatever comes up", 3: "Keeps a to-do list", 5: "Plans, estimates and re-plans in time"},
        ["How do you plan a busy week?", "What do you do when two deadlines collide?"],
    ),
    (
        "Working safely",
        "Follows and improves the safety rules on the job.",
        "Checks made, risks spotted, unsafe work stopped.",
        {1: "Skips checks", 3: "Follows the checklist", 5: "Spots risks early and stops unsafe work"},
        ["Tell me about a time you stopped work because something was unsafe.", "How do you start a job safely?"],
    ),
    (
        "Training others",
        "Helps newer colleagues learn the job.",
        "Who was trained, how, and what they could do afterwards.",
        {1: "Leaves people to work it out", 3: "Shows people when asked", 5: "Coaches step by step and checks"},
        ["How did you help the last new starter?", "Tell me about teaching someone a difficult task."],
    ),
    (
        "Problem solving",
        "Finds the cause of a problem step by step and fixes it.",
        "The steps taken, how the cause was found, the fix and the follow-up.",
        {1: "Guesses", 3: "Solves simple cases with a checklist", 5: "Finds the cause methodically and follows up"},
        ["Tell me about the hardest fault you fixed.", "Walk me through how you find out why something failed."],
    ),
    (
        "Record keeping",
        "Keeps records that someone else can pick up.",
        "What is written down, where, and who uses it.",
        {1: "Keeps nothing written", 3: "Writes short notes", 5: "Writes what was done and what is next"},
        ["What do you write down at the end of a job?", "How would a colleague know where you left off?"],
    ),
]
OPENERS = ["Sure.", "Yes, so", "Right.", "Okay, well", "Good question.", "Let me think.", ""]
SITUATIONS = [
    "Last {month} we had a {thing} at a {place} that nobody could explain.",
    "On my previous team there was a week when {n} jobs came in at once.",
    "A {person} called me on a {day} morning about the {thing}.",
    "At the {place} the {thing} had been giving trouble for {n} weeks.",
    "When I started at the {place}, the {thing} was done differently by everyone.",
]
ACTIONS = [
    "I went through it step by step and wrote down each reading as I went.",
    "I phoned the {person} before starting and told them what it would cost.",
    "I split the work into {n} smaller tasks and put a time on each one.",
    "I stopped the job, put the barrier up and waited for the supervisor.",
    "I showed the new starter once, then let them do it while I watched.",
    "I checked the {thing} against the drawing and found the mistake in the second section.",
    "I moved the less urgent work to {day} and told the team why.",
    "I wrote a short note in the job sheet with what was done and what was still open.",
]
OUTCOMES = [
    "In the end it took {n} hours instead of two days.",
    "The {person} was happy with it and booked us again.",
    "We have not had the same problem since.",
    "After {n} weeks they could do it on their own.",
    "Everything was finished by {day}, which was the deadline.",
]
ASIDES = [
    "That was a busy time for everyone.",
    "I still remember it because it was raining all week.",
    "It was not the most exciting job, to be honest.",
    "We had a good laugh about it afterwards.",
]
SMALL_TALK = [
    ("Did you find us all right this morning?", "Yes, the bus stops right outside, so it was easy."),
    ("Would you like some water before we carry on?", "No thanks, I am fine for now."),
    ("How far do you live from here?", "About twenty minutes by bike, a bit longer in winter."),
]
FILL = {
    "month": ["spring", "autumn", "March", "November"],
    "thing": ["pump", "heating system", "order system", "lift", "alarm panel", "invoice run"],
    "place": ["school", "warehouse", "hospital", "office block", "depot"],
    "person": ["customer", "site manager", "tenant", "client", "caretaker"],
    "day": ["Monday", "Tuesday", "Thursday", "Friday"],
    "n": ["two", "three", "four", "five", "six", "ten"],
}


def _fill(rng: random.Random, template: str) -> str:
    return template.format(**{key: rng.choice(values) for key, values in FILL.items()})


def interview(minutes: float, seed: int):
    """A list of (speaker, text) turns of about ``minutes`` of speech."""
    rng = random.Random(seed)
    turns, words = [], 0
    target = minutes * WORDS_PER_MINUTE
    asked = 0
    while words < target:
        if rng.random() < 0.12:
            question, answer = rng.choice(SMALL_TALK)
        else:
            name, _, _, _, questions = CRITERIA[asked % len(CRITERIA)]
            question = rng.choice(questions) if rng.random() < 0.7 else f"And on {name.lower()}, anything else?"
            asked += 1
            parts = [rng.choice(OPENERS), _fill(rng, rng.choice(SITUATIONS))]
            parts += [_fill(rng, rng.choice(ACTIONS)) for _ in range(rng.randint(1, 3))]
            if rng.random() < 0.7:
                parts.append(_fill(rng, rng.choice(OUTCOMES)))
            if rng.random() < 0.3:
                parts.append(rng.choice(ASIDES))
            answer = " ".join(p for p in parts if p)
        turns += [("interviewer", question), ("candidate", answer)]
        words += len(question.split()) + len(answer.split())
    return turns, words


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--minutes", type=float, default=60, help="length of the interview (default 60)")
    parser.add_argument("--rounds", type=int, default=3, help="measured scoring rounds after the first (default 3)")
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", "1")

    from ai_analysis.evidence import LocalEvidenceScorer, answer_spans
    from ai_analysis.semantic import model
    from ai_analysis.structuring import pair_questions_and_answers
    from ai_analysis.types import CriterionSpec, Turn

    lines, words = interview(args.minutes, args.seed)
    turns, clock = [], 0.0
    for i, (speaker, text) in enumerate(lines):
        seconds = len(text.split()) * 60 / WORDS_PER_MINUTE
        turns.append(Turn(i, speaker, round(clock, 1), round(clock + seconds, 1), text))
        clock += seconds + 0.6
    pairs = pair_questions_and_answers(turns)
    criteria = [
        CriterionSpec(key=f"c{i}", name=n, description=d, evidence_guidance=g, anchors=a, questions=tuple(q))
        for i, (n, d, g, a, q) in enumerate(CRITERIA)
    ]
    sentences = len(answer_spans(pairs))
    print(f"interview: {clock / 60:.1f} min, {len(turns)} turns, {words} words, {sentences} answer sentences")
    print(f"criteria: {len(criteria)}; peak RSS before the model: {peak_rss_mb():.0f} MB")

    started = time.perf_counter()
    model.encoder()
    load = time.perf_counter() - started
    print(f"model load (hash checks, tokenizer, onnxruntime session): {load:.2f} s; peak RSS {peak_rss_mb():.0f} MB")

    scorer = LocalEvidenceScorer()
    started = time.perf_counter()
    drafts = scorer.score(pairs, criteria)
    first = time.perf_counter() - started
    times = []
    for _ in range(args.rounds):
        started = time.perf_counter()
        scorer.score(pairs, criteria)
        times.append(time.perf_counter() - started)
    median = statistics.median(times) if times else first
    scored = sum(d.score is not None for d in drafts)
    print(f"scoring: first {first:.2f} s, median of {len(times)} more {median:.2f} s; {scored}/{len(drafts)} scored")
    print(f"peak RSS of the process: {peak_rss_mb():.0f} MB")
    low, high = (clock * rtf for rtf in WHISPER_BASE_RTF)
    print(
        f"transcribing the same {clock / 60:.0f} minutes with whisper-base (RTF {WHISPER_BASE_RTF[0]}-"
        f"{WHISPER_BASE_RTF[1]}): about {low:.0f}-{high:.0f} s; scoring is {first / low * 100:.1f} % of it at most"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
