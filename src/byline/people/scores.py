"""The two numbers the people views show about a work, and their one name each (issue 21).

They answer different questions and must never share a label ("confidence" meant one in one place and the
other elsewhere):

* **fit** (:data:`FIT`, :func:`work_fit`): how well a work fits the person it sits in, on the person page --
  ``1 -`` the audit's probability that the work is *not* the person's (:mod:`byline.audit` over the
  profile as a listing: every signal of the work against all the others). Shown as "Fit 89%".
* **pair probability** (:data:`PAIR_PROBABILITY`, :func:`pair_probability`): the calibrated same-person
  probability of *one pair* of signatures -- in the review queue, the work's signature against the
  person's most typical one, the number its explain card shows. Shown as "Same person 18%".

A work can fit its person well (many coauthors and topics in common with the profile as a whole) while its
pair with the single most typical signature is unlikely, so the two numbers differ and are labelled apart.
"""

from __future__ import annotations

__all__ = ["FIT", "PAIR_PROBABILITY", "FIT_LABEL", "PAIR_PROBABILITY_LABEL", "work_fit", "pair_probability"]

FIT = "fit"  # API field of a person page's work, and of a review item's work
PAIR_PROBABILITY = "pair_probability"  # API field of a review item (and of an explain card's score)
FIT_LABEL = "Fit"
PAIR_PROBABILITY_LABEL = "Same person"


def work_fit(not_theirs: float | None) -> float | None:
    """A work's fit to its person from the audit's probability that it is not theirs (None: not scored)."""
    return None if not_theirs is None else round(1.0 - float(not_theirs), 4)


def pair_probability(p: float | None) -> float | None:
    """A pair's same-person probability as the views show it (None: not scored, e.g. no typical signature)."""
    return None if p is None else round(float(p), 4)
