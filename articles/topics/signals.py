"""What a topic is read from: the text without its outlet's marks (#14).

A model trained on a few outlets learns their signatures (the dateline "(NLĐ)-", the credit
line "Theo TTXVN", the byline, the "&gt;&gt; Xem thêm" links) as much as their topics, and
then fails on an outlet it never saw. Stripping them before training and before predicting
leaves the words that carry the subject. Pure: no database.
"""

from __future__ import annotations

import re

# Outlet names as whole words, in either language, with or without diacritics.
_OUTLETS = re.compile(
    r"\b(?:vnexpress(?:\.net)?|tuổi trẻ(?: online)?|tuoi tre|thanh niên|thanh nien|"
    r"người lao động|nguoi lao dong|nld|nlđ|tto|ttxvn|vnn|vietnamnet|dân trí|dan tri|"
    r"sggp|reuters|bbc(?: news| sport)?|afp|ap|associated press|xinhua|kyodo|bloomberg|cnn)\b",
    re.IGNORECASE,
)
# A dateline opening the body: "(NLĐ)-", "HÀ NỘI (Reuters) -", "LONDON, March 3 -",
# "Ngày 9-2,", "TP HCM, 3/2:".
_DATELINE = re.compile(
    r"^\s*(?:[A-ZÀ-Ỹ][\w .,'À-ỹ]{0,40}\s*)?\([^)\n]{1,40}\)\s*[-–—:]+\s*"
    r"|^\s*[A-Z][A-Z .]{2,30},?(?:\s+\w+\s+\d{1,2})?\s*[-–—]\s+"
    r"|^\s*(?:sáng|trưa|chiều|tối|đêm)?\s*(?:hôm\s+)?(?:ngày\s+)?\d{1,2}[-/.]\d{1,2}(?:[-/.]\d{2,4})?\s*[,:]\s*",
    re.IGNORECASE,
)
# Lines that are links, credits and captions rather than the report.
_BOILERPLATE = re.compile(
    r"^\s*(?:&gt;|>|»|\(?theo\b|ảnh\s*:|anh\s*:|photo\s*:|xem thêm|click|read more|"
    r"nguồn\s*:|source\s*:|bài và ảnh|by\s+[A-Z])",
    re.IGNORECASE,
)
_ENTITIES = re.compile(r"&(?:gt|lt|amp|quot|nbsp|#\d+);")
_EMPTY = re.compile(r"\(\s*\)|\[\s*\]")
# A last paragraph this short is a byline or a credit ("Minh Quang", "(Theo AFP)").
_BYLINE_CHARS = 60


def strip_marks(title: str, body: str) -> tuple[str, str]:
    """The title and body without datelines, bylines, credits, links and outlet names.

    >>> strip_marks("Bão (TTO)", "(NLĐ)- Ngày 9-2, bão đổ bộ.\\n\\n>> Xem thêm\\n\\nMinh Quang")
    ('Bão', 'bão đổ bộ.')
    """
    paragraphs = [p.strip() for p in body.split("\n\n") if p.strip()]
    kept = [p for p in paragraphs if not _BOILERPLATE.match(p)]
    if len(kept) > 1 and len(kept[-1]) <= _BYLINE_CHARS and not kept[-1].endswith((".", "!", "?")):
        kept = kept[:-1]
    for _ in range(2 if kept else 0):  # "(NLĐ)- Ngày 9-2, ..." has two
        kept[0] = _DATELINE.sub("", kept[0], count=1)
    return _clean(title), "\n\n".join(_clean(p) for p in kept if p)


def _clean(text: str) -> str:
    cleaned = " ".join(_EMPTY.sub(" ", _OUTLETS.sub(" ", _ENTITIES.sub(" ", text))).split())
    return cleaned.strip(" :|-–—")
