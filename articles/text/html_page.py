"""Page: a forgiving HTML tree builder; walk, render and main_root read the tree it builds."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser

_VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
_DROP = frozenset(
    "script style noscript template svg nav header footer aside form iframe button select textarea"
    " figcaption canvas object head".split()
)
_BLOCK = frozenset(
    "p div section article main h1 h2 h3 h4 h5 h6 li ul ol dl dt dd blockquote pre table tr td th"
    " figure hr address body header footer".split()
)
_HEAD_TAGS = frozenset("html head title meta link script style base noscript template".split())
_REPEAT_CLOSES = frozenset("p li dt dd tr td th option".split())
_NOISE_ATTR = re.compile(
    r"related|share|sharing|social|subscri|newsletter|comment|footer|menu|breadcrumb|advert|sidebar"
    r"|promo|popup|cookie|(?:^|[\s_-])(?:ads?|nav|tags?)(?:$|[\s_-])",
    re.I,
)
_NOISE_ROLES = frozenset("navigation complementary banner contentinfo".split())
_MAIN_TAGS = frozenset("html body main article".split())
BY_TAG, _BY_CLASS = 2, 1  # how sure we are that an element is page furniture
# Real pages have a few thousand elements; past this, tags are ignored and their text kept.
_MAX_ELEMENTS = 100_000


@dataclass(eq=False)
class Node:
    """One element: its tag, attributes, how sure we are it is furniture, children."""

    tag: str
    attrs: dict[str, str]
    noise: int = 0
    children: list[Node | str] = field(default_factory=list)


class Page(HTMLParser):
    """A forgiving tree builder: stray end tags are ignored, open elements close at the end."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", {})
        self.stack = [self.root]
        self.meta: dict[str, str] = {}
        self.lang: str | None = None
        self.canonical: str | None = None
        self.title = ""
        self.jsonld: list[str] = []
        self.elements = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k.lower(): (v or "") for k, v in attrs}
        if tag == "meta":
            key = values.get("property") or values.get("name") or values.get("itemprop") or ""
            if key and "content" in values:
                self.meta.setdefault(key.lower(), values["content"].strip())
        elif tag == "html" and values.get("lang"):
            self.lang = values["lang"]
        elif tag == "link" and "canonical" in values.get("rel", "").lower():
            self.canonical = values.get("href") or None
        self.elements += 1
        if self.elements > _MAX_ELEMENTS:
            return
        if tag not in _HEAD_TAGS and any(node.tag == "head" for node in self.stack[:3]):
            self.handle_endtag("head")  # a page that never wrote </head> still has a body
        top = self.stack[-1]
        if (top.tag == "p" and tag in _BLOCK) or (top.tag == tag and tag in _REPEAT_CLOSES):
            self.stack.pop()  # "<p>a<p>b" and "<li>a<li>b": the open one ends here
        node = Node(tag, values, _noise(tag, values))
        self.stack[-1].children.append(node)
        if tag not in _VOID:
            self.stack.append(node)

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        top = self.stack[-1]
        if top.tag == "script" and "ld+json" in top.attrs.get("type", ""):
            self.jsonld.append(data)
        elif top.tag == "title" and not self.title:
            self.title = data
        top.children.append(data)


def _noise(tag: str, attrs: dict[str, str]) -> int:
    if tag in _DROP or "hidden" in attrs or attrs.get("aria-hidden") == "true":
        return BY_TAG
    if tag in _MAIN_TAGS:
        return 0
    classes = f"{attrs.get('class', '')} {attrs.get('id', '')}"
    return _BY_CLASS if attrs.get("role") in _NOISE_ROLES or _NOISE_ATTR.search(classes) else 0


def walk(root: Node, keep: str = "") -> Iterator[Node]:
    """Elements under root in document order, skipping furniture (except `keep`); no recursion."""
    stack = [root]
    while stack:
        node = stack.pop()
        yield node
        children = (c for c in reversed(node.children) if isinstance(c, Node))
        stack.extend(c for c in children if not c.noise or c.tag == keep)


def main_root(page: Page) -> Node:
    """The story's element: the <article> with the most text, else <main>, else <body>."""
    found: dict[str, list[Node]] = {"article": [], "main": [], "body": []}
    for node in walk(page.root):
        if node.tag in found:
            found[node.tag].append(node)
    # Teaser cards are <article>s too: the story is the one with the most text.
    sizes = ((len("".join(render(node))), node) for node in found["article"])
    size, best = max(sizes, key=lambda item: item[0], default=(0, page.root))
    return best if size else (found["main"] or found["body"] or [page.root])[0]


def render(root: Node, *, drop: int = _BY_CLASS) -> list[str]:
    """Text of root, one line per block element, leaving out elements with noise >= drop."""
    out: list[str] = []
    buffer: list[str] = []
    stack: list[tuple[Node | str, bool]] = [(root, False)]
    while stack:
        item, leaving = stack.pop()
        if isinstance(item, str):
            buffer.append(item)
            continue
        if leaving or item.tag == "br":
            out.append(" ".join("".join(buffer).split()))
            buffer.clear()
            continue
        if item.tag in ("script", "style", "head") or (item.noise >= drop and item is not root):
            continue
        if item.tag in _BLOCK:
            out.append(" ".join("".join(buffer).split()))
            buffer.clear()
            stack.append((item, True))
        stack.extend((child, False) for child in reversed(item.children))
    out.append(" ".join("".join(buffer).split()))
    return [line for line in out if line]
