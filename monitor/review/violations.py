"""The kinds of neutrality violation (SKB 2/2022) the review page suggests, and the rule each breaks.

They live in `classifiers.skb`, which suggests them; the page reads them through here, since
`review_ui/` never imports `classifiers/`.
"""

from __future__ import annotations

from classifiers.skb import ARTICLES, CATEGORIES

__all__ = ["ARTICLES", "CATEGORIES"]
