"""Candidate names: runs of capitalised words, trimmed of titles and sentence openers."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from articles.entities.words import Doc, alias_words, fold_word

# Candidate names: titles stripped from the front of a run, and a capitalised word that is
# the first of a sentence dropped when it is a common word.
_TITLES_EN = frozenset(
    "the a an mr mrs ms dr president vice prime minister foreign defence defense finance "
    "secretary chancellor king queen prince princess pope sir lord chief senator sen rep "
    "governor gov ambassador spokesman spokeswoman chairman chairwoman director ayatollah "
    "sheikh gen col lt captain commander justice judge mayor premier deputy former late "
    "general".split()
)
_TITLES_VI = tuple(
    tuple(title.split())
    for title in (
        "tong thu ky, tong thu, tong bi thu, tong thong, thu tuong, bo truong, chu tich, "
        "pho chu tich, pho thu tuong, pho tong thong, ngoai truong, dai su, duc giao hoang, "
        "giao hoang, nu hoang, quoc vuong, hoang tu, cong chua, vua, tuong, ong, ba, ngai, "
        "thuong nghi si, ha nghi si, nghi si, tong giam doc, giam doc, thong doc, "
        "nguoi phat ngon, hoa si, ca si, nha bao, tien si, giao su, thu ky, chuyen gia, hoc gia"
    ).split(", ")
)
STARTERS = frozenset(
    "the a an in on at but and he she it we they this that these those his her its our their "
    "there when while after before if as for with by from to of also meanwhile however last "
    "next some many most all both each one read sign get start download top related already "
    "please how what why where who theo trong tai ngay sau truoc khi cac nhung mot nhieu hien "
    "cung con do nhu neu vi de ve voi tu o la co chuyen doc moi tin thay ket lich".split()
)
_PARTICLES = frozenset("of de da do dos del van von der den bin al el la le du di y".split())


@dataclass(frozen=True)
class CandidateName:
    text: str
    lang: str
    count: int


def capitalised_runs(doc: Doc, taken: set[int]) -> Iterable[list[int]]:
    """Runs of capitalised words (joined by particles such as "of") outside `taken`."""
    run: list[int] = []
    for t, word in enumerate(doc.words):
        capital = (
            t not in taken
            and not doc.shouting[t]
            and len(word) > 1
            and word[0].isupper()
            and not word.isupper()
        )
        if capital and run and doc.joined_or_hyphen(t) and not doc.sentence_initial[t]:
            run.append(t)
            continue
        if (
            not capital
            and run
            and word.lower() in _PARTICLES
            and t not in taken
            and doc.joined(t)
            and doc.joined(t + 1)
            and doc.words[t + 1][0].isupper()
        ):
            run.append(t)
            continue
        if run:
            yield run
        run = [t] if capital else []
    if run:
        yield run


def trim_run(doc: Doc, run: list[int]) -> list[int]:
    """The run without a sentence opener, titles and edge particles; [] past six words."""
    first = run[0]
    if doc.sentence_initial[first] and (
        doc.words[first].lower() in doc.lowercase
        or doc.folded[first] in STARTERS
        # "Readers of Libyan Express": a sentence opening "X of" is rarely a name
        or (len(run) > 1 and doc.words[run[1]] in _PARTICLES)
    ):
        run = run[1:]
    while run and doc.words[run[0]] in _PARTICLES:
        run = run[1:]
    stripped = True
    while run and stripped:
        stripped = False
        if doc.folded[run[0]] in _TITLES_EN and doc.language != "vi":
            run, stripped = run[1:], True
            continue
        for title in _TITLES_VI:
            if tuple(doc.folded[t] for t in run[: len(title)]) == title:
                run, stripped = run[len(title) :], True
                break
    while run and doc.words[run[-1]].lower() in _PARTICLES:
        run = run[:-1]
    return run if len(run) <= 6 else []


# Junk kept out of the curators' queue (#14): what a capitalised run catches that is not a name.
_MONTHS_DAYS = frozenset(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday "
    "friday saturday sunday christmas easter thang thu chu nhat ngay tet".split()
)
# Roles: "Cabinet Secretary", "German Chancellor Gerhard Schroeder" (the title was not trimmed).
_ROLES = frozenset(
    "secretary minister chancellor president chairman chairwoman chief officer director "
    "spokesman spokeswoman governor professor analyst economist sprinter striker coach manager "
    "midfielder defender goalkeeper captain executive correspondent editor reporter analysts "
    "associate assistant commissioner ambassador senator congressman mp".split()
)
# The outlets of the corpora and the big wires: their names sign articles, they are not news.
OUTLETS = frozenset(
    "reuters bbc afp ttxvn vnexpress vietnamnet vnmedia bloomberg cnn xinhua kyodo yonhap".split()
)
_OUTLET_NAMES = tuple(
    f" {name} "
    for name in (
        "tuoi tre",
        "thanh nien",
        "nguoi lao dong",
        "dan tri",
        "associated press",
        "agence france",
        "daily telegraph",
        "financial times",
        "new york times",
        "wall street journal",
        "washington post",
        "daily mail",
        "sunday times",
        "the guardian",
    )
)
# "Group Inc", "Technologies Inc": the company's own name was cut off before the common word.
_COMPANY_TAILS = frozenset("inc corp co ltd plc corporation llc ag sa nv".split())
_COMMON_HEADS = frozenset(
    "group technologies technology communications chemical chemicals motors industries "
    "industrial systems holdings holding resources international securities services "
    "financial products energy electric electronics computer computers capital investment "
    "investments trust savings insurance oil gas mining bancorp healthcare health care".split()
)
# "West German", "Latin American": adjectives, not names.
_REGIONS = frozenset(
    "west east north south latin central western eastern northern southern".split()
)
# "Senate Republican", "House Banking": the start of a longer name.
_CHAMBERS = frozenset("senate house congress parliament assembly".split())
# Vietnamese syllables that open or close a capitalised run in headlines and lists but never a
# name ("Hạ Messina", "Phòng Kỹ", "Bromwell High Bộ").
# Compared with accents: folded, "hạ" would be the given name "Hà".
_VI_OPENERS = frozenset(
    "hạ phòng bộ đội thi kỹ sở cục vụ viện tám sáu bảy chín mười tập đoàn công ty giải trận "
    "vòng lượt xem thêm ảnh video clip".split()
)
_VI_CLOSERS = frozenset("bộ đội thi kỹ sở cục vụ viện xem thêm ảnh video clip".split())


def junk_reason(name: str, language: str, generic: bool = False) -> str:
    """Why a candidate name is junk ("" when it may be a name). generic: every word of it also
    appears in lower case in the same text ("Stock Exchange", "Next Generation").

    >>> [junk_reason(n, "en") for n in ("Boxing Day", "G7 Summit", "Reuters Television")]
    ['date', 'number', 'outlet']
    >>> [junk_reason(n, "vi") for n in ("Hạ Messina", "Nguyễn Thị Bích Hà")]
    ['fragment', '']
    """
    if any(char.isdigit() for char in name):
        return "number"
    exact = [word.lower() for word in alias_words(name)]
    words = [fold_word(word) for word in exact]
    if not words:
        return "fragment"
    joined = f" {' '.join(words)} "
    if set(words) & OUTLETS or any(outlet in joined for outlet in _OUTLET_NAMES):
        return "outlet"
    if "." in name and any(part in name.lower() for part in (".com", ".net", ".vn", ".org")):
        return "outlet"
    if set(words) & _MONTHS_DAYS or words[-1] == "day":
        return "date"
    if set(words) & _ROLES:
        return "role"
    if len(words) == 2 and words[1] in _COMPANY_TAILS and words[0] in _COMMON_HEADS:
        return "fragment"
    if len(words) == 2 and words[0] in _REGIONS and words[1].endswith(("an", "ese", "ish")):
        return "adjective"
    if len(words) == 2 and words[0] in _CHAMBERS:
        return "fragment"
    if words[0] in STARTERS or words[-1] in STARTERS or words[-1] in _PARTICLES:
        return "sentence start"
    if language == "vi" and (exact[0] in _VI_OPENERS or exact[-1] in _VI_CLOSERS):
        return "fragment"
    if all(len(word) <= 1 for word in words):
        return "fragment"
    if generic:
        return "common words"
    return ""


def quote(text: str, name: str, width: int = 70) -> str:
    """The words around the first place `text` names `name`, `width` characters a side.

    >>> quote("Hôm qua. Ông Minh Đàm vẽ tranh ở Huế. Xong.", "Minh Đàm", 12)
    '…qua. Ông Minh Đàm vẽ tranh ở…'
    """
    flat = " ".join(text.split())
    at = flat.find(name)
    if at < 0:
        return ""
    start, end = max(0, at - width), min(len(flat), at + len(name) + width)
    while start > 0 and not flat[start - 1].isspace():
        start += 1
    while end < len(flat) and not flat[end].isspace():
        end -= 1
    return f"{'…' if start else ''}{flat[start:end].strip()}{'…' if end < len(flat) else ''}"
