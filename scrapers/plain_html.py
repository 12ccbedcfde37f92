"""Plain HTML read with lxml alone, giving exactly what beautifulsoup4 (with its lxml parser) gives.

Building a beautifulsoup4 tree of a t.me/s page or a news page costs ~1.5 ms, serialising its items
for the evidence another ~1 ms. The same libxml2 parse kept as lxml's own tree costs a tenth of that.
`parse` parses as beautifulsoup4 does; `serialise` writes an element as `str(tag)` would (beautifulsoup4's
"minimal" formatter: attributes sorted, multi-valued ones normalised, `&<>` escaped, void elements as
`<br/>`, text nodes of nothing but ASCII whitespace collapsed to one newline or space); `text` is
`get_text()` with each `<br>` replaced by a newline. `plain` says whether an element holds only what these
rules cover: no comments or processing instructions, no elements whose strings beautifulsoup4 treats apart
(script, style, template, rt, rp), keeps verbatim (pre, textarea) or rewrites (meta), no attribute that
may have been written without a value (libxml2 fills in a boolean attribute's name, beautifulsoup4 keeps
""). Callers go to beautifulsoup4 for anything else. `select` reads the simplest CSS selectors (see there)."""

from __future__ import annotations

import re

from bs4.builder import HTMLTreeBuilder
from lxml import etree

_VOID = frozenset(HTMLTreeBuilder.DEFAULT_EMPTY_ELEMENT_TAGS or ())
_LIST_ATTRS = {tag: frozenset(names) for tag, names in HTMLTreeBuilder.DEFAULT_CDATA_LIST_ATTRIBUTES.items()}
_ANY_LIST_ATTRS = _LIST_ATTRS["*"]
_SPECIAL = (
    frozenset(HTMLTreeBuilder.DEFAULT_STRING_CONTAINERS)
    | frozenset(HTMLTreeBuilder.DEFAULT_PRESERVE_WHITESPACE_TAGS)
    | {"script", "style", "meta"}  # meta: beautifulsoup4 writes its output encoding into <meta charset>
)
_NAME = re.compile(r"[a-z][a-z0-9]*\Z")
_ASCII_SPACE = re.compile(r"[\x20\x0a\x09\x0c\x0d]+\Z")
_ESCAPE = re.compile(r"[&<>]")
_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def parse(html: str) -> etree._Element | None:
    """The document as beautifulsoup4's lxml builder parses it (one feed, recovering); None if lxml refuses."""
    if html[:1] == "\ufeff":
        html = html[1:]
    parser = etree.HTMLParser(recover=True)
    try:
        parser.feed(html)
        return parser.close()
    except (etree.ParserError, UnicodeDecodeError, LookupError, ValueError):
        return None


def has_template(root: etree._Element) -> bool:
    """soupsieve's selectors never look inside a <template> (its contents are not part of the document)."""
    return next(root.iter("template"), None) is not None


def classes(element: etree._Element) -> list[str]:
    return (element.get("class") or "").split()


def has_class(element: etree._Element, name: str) -> bool:
    value = element.get("class")
    return value is not None and name in value.split()


def within(element: etree._Element, name: str) -> bool:
    """Some ancestor of the element has class `name` (beautifulsoup4's `tag.parents`)."""
    return any(has_class(parent, name) for parent in element.iterancestors())


def plain(element: etree._Element) -> bool:
    for node in element.iter():
        tag = node.tag
        if not isinstance(tag, str) or tag in _SPECIAL or not _NAME.match(tag):
            return False
        for key, value in node.items():
            if key == value:
                return False
    return True


def _string(text: str) -> str:
    """A text node as beautifulsoup4 keeps it: nothing but ASCII whitespace becomes one newline or space."""
    if _ASCII_SPACE.match(text):
        return "\n" if "\n" in text else " "
    return text


def _escape(text: str) -> str:
    return _ESCAPE.sub(lambda m: _ESCAPES[m.group()], text) if ("&" in text or "<" in text or ">" in text) else text


def _attribute(tag: str, key: str, value: str) -> str:
    if key in _ANY_LIST_ATTRS or key in _LIST_ATTRS.get(tag, ()):
        value = " ".join(value.split())
    value = _escape(value)
    if '"' in value:
        if "'" in value:
            return f'{key}="{value.replace(chr(34), "&quot;")}"'
        return f"{key}='{value}'"
    return f'{key}="{value}"'


def serialise(element: etree._Element, br: str | None = None, within: etree._Element | None = None) -> str:
    """`str(tag)` of beautifulsoup4 for a `plain` element. With `br`, each `<br>` inside `within` is written
    as that text instead (as after `br.replace_with(br)` there)."""
    out: list[str] = []
    _write(element, out, br, within, within is None)
    return "".join(out)


def _write(node: etree._Element, out: list[str], br: str | None, target: etree._Element | None, inside: bool) -> None:
    tag = node.tag
    if br is not None and inside and tag == "br":
        out.append(br)
        return
    items = node.items()
    if items:
        out.append(f"<{tag} {' '.join(_attribute(tag, k, v) for k, v in sorted(items))}")
    else:
        out.append(f"<{tag}")
    inside = inside or node is target
    text = node.text
    if tag in _VOID and text is None and len(node) == 0:
        out.append("/>")
        return
    out.append(">")
    if text:
        out.append(_escape(_string(text)))
    for child in node:
        _write(child, out, br, target, inside)
        tail = child.tail
        if tail:
            out.append(_escape(_string(tail)))
    out.append(f"</{tag}>")


def text(element: etree._Element, within: etree._Element | None = None) -> str:
    """`get_text()` of a `plain` element after each `<br>` in it became a newline; with `within`, only the
    `<br>`s inside that element did (the others, empty elements, add nothing)."""
    out: list[str] = []
    _text(element, out, within)
    return "".join(out)


def _text(node: etree._Element, out: list[str], within: etree._Element | None) -> None:
    if node.text:
        out.append(_string(node.text))
    for child in node:
        if child.tag == "br":
            if within is None or any(p is within for p in child.iterancestors()):
                out.append("\n")
        else:
            _text(child, out, within)
        if child.tail:
            out.append(_string(child.tail))


# The CSS selectors `select` takes: compound selectors (a tag name, .class, #id, [attribute]) joined by
# the descendant combinator. soupsieve reads these the same way on an HTML document: tag and attribute
# names without case, classes and ids with it, ancestors looked for up to the document's root.
_COMPOUND = re.compile(
    r"(?P<tag>[A-Za-z][A-Za-z0-9]*)?(?P<rest>(?:[.#][A-Za-z_][A-Za-z0-9_-]*|\[[A-Za-z_][A-Za-z0-9_-]*\])*)\Z"
)
_PART = re.compile(r"([.#])([A-Za-z_][A-Za-z0-9_-]*)|\[([A-Za-z_][A-Za-z0-9_-]*)\]")
Compound = tuple[str | None, tuple[str, ...], tuple[str, ...], tuple[str, ...]]  # tag, classes, ids, attributes


def compile_selector(selector: str) -> list[Compound] | None:
    """The selector as compounds (outermost first), or None where it uses anything else."""
    compounds: list[Compound] = []
    for part in selector.split():
        found = _COMPOUND.match(part)
        if found is None or not part:
            return None
        names: dict[str, list[str]] = {".": [], "#": [], "[": []}
        for kind, name, attribute in _PART.findall(found.group("rest")):
            names[kind or "["].append(name or attribute.lower())
        tag = found.group("tag")
        compounds.append((tag.lower() if tag else None, tuple(names["."]), tuple(names["#"]), tuple(names["["])))
    return compounds or None


def _matches(element: etree._Element, compound: Compound) -> bool:
    tag, wanted_classes, ids, attributes = compound
    if tag is not None and element.tag != tag:
        return False
    if wanted_classes:
        have = classes(element)
        if any(c not in have for c in wanted_classes):
            return False
    if any(element.get("id") != i for i in ids):
        return False
    return all(a in element.attrib for a in attributes)


def matches(element: etree._Element, compounds: list[Compound]) -> bool:
    if not _matches(element, compounds[-1]):
        return False
    rest = len(compounds) - 2
    for parent in element.iterancestors():
        if rest < 0:
            break
        if _matches(parent, compounds[rest]):
            rest -= 1
    return rest < 0


def select(scope: etree._Element, compounds: list[Compound], *, document: bool = False) -> list[etree._Element]:
    """The scope's descendants matching, in document order. soupsieve leaves the scope itself out, unless it
    is the document's root element and the selection is made on the document (`document`)."""
    elements = scope.iter() if document else scope.iterdescendants()
    return [e for e in elements if isinstance(e.tag, str) and matches(e, compounds)]
