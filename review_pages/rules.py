"""Publishing rules for a review body, as plain functions of the section order.

Shared by the page editor's form and the importer, so both refuse the same reviews
with the same words.
"""

SYNOPSIS = "synopsis"
FINAL_STATEMENT = "final_statement"


def body_publication_problems(section_types: list[str]) -> list[str]:
    """Why a body with these section types, in this order, cannot be published."""
    problems = []
    synopses = section_types.count(SYNOPSIS)
    finals = section_types.count(FINAL_STATEMENT)
    if synopses == 0:
        problems.append("Add a synopsis: a review needs one before it can be published.")
    elif synopses > 1:
        problems.append(f"Keep a single synopsis: this review has {synopses}.")
    elif section_types[0] != SYNOPSIS:
        problems.append("Move the synopsis to the top: it must be the first section.")
    if finals == 0:
        problems.append("Add a final statement: a review needs one before it can be published.")
    elif finals > 1:
        problems.append(f"Keep a single final statement: this review has {finals}.")
    elif section_types[-1] != FINAL_STATEMENT:
        problems.append("Move the final statement to the end: it must be the last section.")
    return problems


def score_problem(score) -> str | None:
    if score is None:
        return None
    if score < 0 or score > 5:
        return "Give a score from 0 to 5."
    if (score * 2) != int(score * 2):
        return "Give the score in halves, such as 3 or 3.5."
    return None


def rich_result_problems(review) -> list[str]:
    """Why Google would not show this review's snippet (stars, critic): it needs a Person
    author and a reviewRating. A warning for editors, never a reason to refuse publishing."""
    problems = []
    if not getattr(review, "author_id", None):
        problems.append("no critic")
    if getattr(review, "score", None) is None:
        problems.append("no score")
    return problems


def rich_result_warning(problems: list[str]) -> str:
    return (
        f"This review has {' and '.join(problems)}: search engines will not show it as a "
        "review (stars, critic) until it has both. You can still publish it."
    )
