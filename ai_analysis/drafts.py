"""How many of an analysis's scores and feedback items still wait for a person (AI-3): ``Analysis.open_drafts``.

The dashboard's "Drafts awaiting your review" lists the finished analyses with a draft left. Asked of the scores and
feedback themselves, that is two ``EXISTS`` per analysis and a count per row shown, which the ORM compiles on every
page (issue 17: about a third of the dashboard's own time) and PostgreSQL evaluates for every finished analysis of
the organization. Kept on the analysis, it is one partial index range (``ai_analysis_review_queue``).

The rule that keeps it true: whatever creates, deletes or changes the status of a score or feedback item first takes
the analysis's row lock (``lock``), and before its transaction ends stores the count as it then is (``recount``).
The writers are the pipeline's scoring and feedback steps (``ai_analysis.pipeline``) and the review services
(``ai_analysis.review``). Because every writer holds the same lock from before its change until it commits, the
count each one stores is read after the writer before it committed (each statement of a READ COMMITTED transaction
reads what is committed when it starts), so two reviewers approving two scores of one analysis at once cannot both
store "one left". The lock comes before the items' own row locks in every writer, so the order is always analysis,
then items, and they cannot deadlock each other. ``tests/ai_analysis/test_open_drafts.py`` checks each writer and
the concurrent case on PostgreSQL.
"""

from ai_analysis.models import Analysis, Feedback, Review, Score


def lock(analysis_id: int) -> None:
    """Hold the analysis's row until the transaction ends (call inside one, before touching its drafts)."""
    Analysis.objects.for_operators().select_for_update().filter(pk=analysis_id).values_list("pk").first()


def recount(analysis_id: int) -> int:
    """Store and return the analysis's drafts as they are now (call under ``lock``)."""
    drafts = (
        Score.objects.for_operators().filter(analysis_id=analysis_id, status=Review.DRAFT).count()
        + Feedback.objects.for_operators().filter(analysis_id=analysis_id, status=Review.DRAFT).count()
    )
    Analysis.objects.for_operators().filter(pk=analysis_id).update(open_drafts=drafts)
    return drafts
