"""What a person sees on a page, and the words in it that are English or codes (issue 16, item 9).

The visible text is every text node outside <script>/<style>, plus the attributes a browser shows or reads
aloud: title, aria-label, placeholder, alt, and the value of buttons. Machine data shown verbatim for
auditors (a post's raw payload, an audit entry's raw details) is marked `class="raw"` and is left out: it
is evidence, not page text. So is text the markup declares English (`lang="en"`, as the API docs' endpoint
summaries, written in English like the OpenAPI schema they come from): a screen reader reads it as English.

An Indonesian page fails on a word from ENGLISH_WORDS or on a code (`case.opened`, `ajakan_memilih`,
`2026-W49`). Names, NIPs, e-mail addresses, URLs, hashes and the product names Netra, BKN, SKB, PDF, CSV
are not words of either language and are stripped before the check.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, Tag

SHOWN_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")

# English words that have no place on an Indonesian page. Words Indonesian shares with English
# (status, label, data, platform, email, admin, auditor, audit, log, hash, format, via) are not here.
ENGLISH_WORDS = frozenset(
    """
    the of and or to is are was were be been by with from for on in at this that these not found none null
    true false yes case cases opened open confirm confirmed dismiss dismissed clarify clarification answer
    answered forward forwarded followup follow assign assigned correct corrected correction linked created
    updated unchanged rejected reason action actions actor object details detail error errors week weeks
    submit user users login logout failed invalid missing field fields required allowed denied method path
    summary score post posts new previous checked download downloaded export report evidence pack session
    sessions ended role agency window start end known browser failures scope size rows row version target
    outcome side sanction sanctioned decided category note entry entries checkpoint verify chain broken
    intact page because only must read second first training hand near miss queue dashboard import
    filters filter search select next older enable disable disabled enabled password reset upload file
    language lang all any active inactive unknown other own never private suspended limited blocked configured
    ok
    """.split()  # noqa: SIM905  (a word list reads and grows more easily as text)
)

_STRIP = [
    re.compile(r"`[^`]*`"),  # a command to run, quoted (`netra audit checkpoint`)
    re.compile(r"https?://\S+"),  # URLs
    re.compile(r"/[a-z0-9_./?=&-]*"),  # local paths (/cases/12)
    re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+"),  # e-mail addresses
    re.compile(r"\b[0-9a-f]{12,64}\b"),  # hashes (SHA-256, shortened or whole)
    re.compile(r"\b[\w-]+\.(zip|pdf|csv|yaml|yml|json|txt)\b", re.I),  # file names
]
# a snake_case or dotted code (case.opened, ajakan_memilih, post_id), or an ISO week (2026-W49, W49)
_CODE = re.compile(r"\b[a-z][a-z0-9]*(?:[._][a-z0-9]+)+\b|\bW\d{1,2}\b")
_WORD = re.compile(r"[A-Za-z]+")


def visible_texts(html: str) -> list[str]:
    """The page's visible strings, one per text node or shown attribute."""
    soup = BeautifulSoup(html, "html.parser")
    for hidden in soup.find_all(["script", "style"]):
        hidden.decompose()
    for raw in soup.select('.raw, body [lang="en"]'):  # within the page: <html lang="en"> is the page
        raw.decompose()
    texts = [str(node).strip() for node in soup.find_all(string=True)]
    for element in soup.find_all(True):
        assert isinstance(element, Tag)
        shown = [str(element.get(name, "")) for name in SHOWN_ATTRIBUTES]
        is_button = element.name == "button" or (
            element.name == "input" and element.get("type") in ("submit", "button")
        )
        if is_button:
            shown.append(str(element.get("value", "")))
        texts.extend(s.strip() for s in shown)
    return [t for t in texts if t and not t.startswith("<!") and t != "html"]


def _stripped(text: str) -> str:
    for pattern in _STRIP:
        text = pattern.sub(" ", text)
    return text


def offenders(html: str, *, allowed: frozenset[str] = frozenset()) -> list[str]:
    """`word  «text it was found in»` for every English word or code on the page (`allowed`: the page's own
    proper nouns, lower case, e.g. names that happen to be English words)."""
    found: list[str] = []
    for text in visible_texts(html):
        plain = _stripped(text)
        found += [f"{code}  «{text[:120]}»" for code in _CODE.findall(plain)]
        for word in _WORD.findall(_CODE.sub(" ", plain)):
            if word.lower() in ENGLISH_WORDS and word.lower() not in allowed:
                found.append(f"{word}  «{text[:120]}»")
    return found


def indonesian_words(html: str) -> list[str]:
    """Words of the catalogue's Indonesian that an English page must not show (the symmetric check)."""
    words = {"tenggat", "rincian", "riwayat", "pelaku", "antrean", "dikonfirmasi", "isian", "mg", "ditugaskan"}
    return [t for t in visible_texts(html) for w in _WORD.findall(t) if w.lower() in words]
