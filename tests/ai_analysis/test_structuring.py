"""Question/answer pairing of a transcript (AI-1)."""

import pytest

from ai_analysis.structuring import is_question, pair_questions_and_answers
from ai_analysis.types import QAPair, Turn


def transcript(*lines: tuple[str, str]) -> list[Turn]:
    """Turns from (speaker, text) lines, five seconds each."""
    return [Turn(i, speaker, i * 5.0, i * 5.0 + 4.5, text) for i, (speaker, text) in enumerate(lines)]


def shape(pairs: list[QAPair]) -> list[tuple[int | None, list[int]]]:
    return [(p.question.index if p.question else None, [t.index for t in p.answer_turns]) for p in pairs]


def test_each_question_is_paired_with_the_answer_that_follows():
    turns = transcript(
        ("interviewer", "How did you design the order schema?"),
        ("candidate", "I started from the invoices and normalised the line items."),
        ("interviewer", "What did you index?"),
        ("candidate", "The customer id and the created date."),
    )
    pairs = pair_questions_and_answers(turns)
    assert shape(pairs) == [(0, [1]), (2, [3])]
    assert [p.index for p in pairs] == [0, 1]


def test_consecutive_candidate_turns_form_one_answer():
    turns = transcript(
        ("interviewer", "Tell me about your last migration."),
        ("candidate", "We moved from MySQL to PostgreSQL."),
        ("candidate", "It took three months, mostly rewriting stored procedures."),
    )
    assert shape(pair_questions_and_answers(turns)) == [(0, [1, 2])]


def test_backchannel_from_the_interviewer_does_not_interrupt_the_answer():
    turns = transcript(
        ("interviewer", "Walk me through the outage."),
        ("candidate", "The queue backed up at night."),
        ("interviewer", "Mm-hm."),
        ("candidate", "So I drained it and added a dead-letter queue."),
        ("interviewer", "Great, thanks."),
    )
    assert shape(pair_questions_and_answers(turns)) == [(0, [1, 3])]


def test_candidate_talk_before_the_first_question_has_no_question():
    turns = transcript(
        ("candidate", "Sorry I'm late, the train was delayed."),
        ("interviewer", "No problem at all."),
        ("interviewer", "Can you describe your role at Acme?"),
        ("candidate", "I led the platform team."),
    )
    assert shape(pair_questions_and_answers(turns)) == [(None, [0]), (2, [3])]


def test_unanswered_question_is_kept_with_no_answer():
    turns = transcript(
        ("interviewer", "What is your notice period?"),
        ("interviewer", "Actually, let's skip that. How do you approach code review?"),
        ("candidate", "I read the tests first."),
    )
    pairs = pair_questions_and_answers(turns)
    assert shape(pairs) == [(0, []), (1, [2])]
    assert pairs[0].answer_turns == ()


def test_follow_up_question_starts_its_own_pair():
    turns = transcript(
        ("interviewer", "Tell me about a hard bug."),
        ("candidate", "A race condition in our payment worker."),
        ("interviewer", "Why was it hard to reproduce?"),
        ("candidate", "It only happened under load with two workers."),
        ("interviewer", "And how did you finally fix it"),
        ("candidate", "With a row lock on the payment."),
    )
    assert shape(pair_questions_and_answers(turns)) == [(0, [1]), (2, [3]), (4, [5])]


def test_trailing_question_without_answer_and_empty_transcript():
    turns = transcript(("interviewer", "Any questions for us?"))
    assert shape(pair_questions_and_answers(turns)) == [(0, [])]
    assert pair_questions_and_answers([]) == []


def test_turns_are_ordered_by_index_and_blank_candidate_turns_dropped():
    turns = transcript(
        ("interviewer", "How do you test?"),
        ("candidate", "   "),
        ("candidate", "Mostly integration tests."),
    )
    assert shape(pair_questions_and_answers(list(reversed(turns)))) == [(0, [2])]


@pytest.mark.parametrize(
    "text",
    [
        "How did you scale the service?",
        "Tell me about your last project.",
        "Okay, so walk me through the deployment pipeline.",
        "Thanks. Describe a time you disagreed with a colleague.",
        "could you explain the trade-off",
        "Let's talk about testing.",
        "Berätta om ditt senaste projekt.",
        "Okej, hur skulle du designa det",
        "Kan du ge ett exempel",
    ],
)
def test_asking_turns_are_questions(text):
    assert is_question(text)


@pytest.mark.parametrize("text", ["Mm-hm.", "Great, thanks.", "Okay.", "Right, that makes sense.", "Tack.", ""])
def test_backchannels_are_not_questions(text):
    assert not is_question(text)
