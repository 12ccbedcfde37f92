"""Long posts read in overlapping windows.

The model reads at most `max_length` tokens. A Facebook post or a blog paragraph of 300 words is longer,
and its side is often taken in one sentence near the end, which truncation would cut off. So a long
(marked) text is cut into overlapping windows of whole tokens; each window is scored, the most partisan
window decides the post, and the explanation spans come from that window.

Training uses the same windows: a netral long post gives all its windows as netral examples, a partisan
one gives the windows that hold one of its gold cues (the others may be neutral context, so they are left
out rather than mislabelled); a partisan post without cues gives its first window, as truncation did.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

Span = tuple[int, int]  # character offsets into the text


class OffsetTokenizer(Protocol):
    def __call__(self, text: list[str], **kwargs: object) -> dict[str, list[object]]: ...


PREFIX_TOKENS = 5  # e5's "query: " prefix is 4 pieces; one spare


def token_budget(max_length: int) -> int:
    """Tokens of post text that fit in one model input: minus [CLS], [SEP] and the prefix."""
    return max(8, max_length - 2 - PREFIX_TOKENS)


def window_spans(offsets: Sequence[tuple[int, int]], text_length: int, budget: int) -> list[Span]:
    """Character spans of windows of `budget` tokens that overlap by half a window.

    `offsets` are the tokens' (start, end) character offsets (special tokens excluded). A text that fits
    is one window covering all of it.
    """
    tokens = [o for o in offsets if o[1] > o[0]]
    if len(tokens) <= budget:
        return [(0, text_length)]
    stride = max(1, budget // 2)
    spans: list[Span] = []
    start = 0
    while True:
        end = min(len(tokens), start + budget)
        spans.append((tokens[start][0], tokens[end - 1][1]))
        if end == len(tokens):
            return spans
        start += stride


def text_windows(tokenizer: OffsetTokenizer, texts: list[str], max_length: int) -> list[list[Span]]:
    """Each text's windows. Texts too short to need windows are not tokenised here (most posts)."""
    budget = token_budget(max_length)
    out: list[list[Span]] = [[(0, len(t))] for t in texts]
    # a token is at least one character, so a text shorter than the budget in characters always fits
    long = [i for i, t in enumerate(texts) if len(t) > budget]
    if long:
        encoded = tokenizer([texts[i] for i in long], add_special_tokens=False, return_offsets_mapping=True)
        for i, offsets in zip(long, encoded["offset_mapping"], strict=True):
            out[i] = window_spans([tuple(o) for o in offsets], len(texts[i]), budget)  # type: ignore[misc, attr-defined, unused-ignore]
    return out


def cue_spans(text: str, cues: Sequence[str]) -> list[Span]:
    """Where each gold cue occurs in `text` (every occurrence)."""
    found = []
    for cue in cues:
        at = text.find(cue)
        while cue and at >= 0:
            found.append((at, at + len(cue)))
            at = text.find(cue, at + 1)
    return found


def overlaps(a: Span, b: Span) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def training_windows(windows: list[Span], label: str, cues: list[Span]) -> list[Span]:
    """The windows of one training post that keep its label true (see the module docstring)."""
    if len(windows) == 1 or label == "netral":
        return windows
    holding = [w for w in windows if any(overlaps(w, c) for c in cues)]
    return holding or windows[:1]
