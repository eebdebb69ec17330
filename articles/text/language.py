"""detect_language(text) -> "vi" | "en" | None: a small word-count scorer, explainable by hand."""

from __future__ import annotations

import re
import unicodedata

# Combining marks that English never uses and Vietnamese uses constantly: hook above, dot
# below, horn, breve. Circumflex and grave/acute/tilde count too: we only choose vi vs en.
_VI_MARKS = frozenset("\u0300\u0301\u0302\u0303\u0306\u0309\u031b\u0323")

# Frequent Vietnamese syllables as typed without diacritics. English look-alikes such as
# "to", "an", "in", "no", "do", "he", "can", "long", "sang", "tin" are left out on purpose.
_VI_SYLLABLES = frozenset(
    """
    cua va cac nhung duoc cho khong nguoi trong voi nay da la co mot theo ong tai
    nhu cung nhat sau khi nuoc viet nam chinh phu biet lai nhieu hon ra vao thi se
    den tu bi gia quoc dang hien ngay thang tren duoi toi minh cong hoi dong hanh
    truong thanh tinh xa bo doi viec dieu nhan dau cuoc chien luc luong
    trieu nghin ho chi mua thuc hien tiep tuc dua cuoi tham gia kinh te xay dung
    """.split()
)

_EN_WORDS = frozenset(
    """
    the of and to in is that for with was said on are as at by be this from has have
    had it its an not but which were been will would their they he she his her who
    or we you our after about more also than when there what can could new one
    """.split()
)

_WORD = re.compile(r"[^\W\d_]+")

# Enough words to look at on a 5 MB page; the verdict settles long before this.
_MAX_WORDS = 5000
_MIN_EVIDENCE = 3


def detect_language(text: str) -> str | None:
    """Return "vi" or "en" from Vietnamese letters/syllables vs English function words.

    >>> detect_language("iraq bat den xanh cho nato o lai, chinh phu viet nam cho biet")
    'vi'
    """
    vi = en = 0
    for count, match in enumerate(_WORD.finditer(text)):
        if count >= _MAX_WORDS:
            break
        word = match.group().lower()
        decomposed = unicodedata.normalize("NFD", word)
        if "đ" in word or any(ch in _VI_MARKS for ch in decomposed):
            vi += 1
        elif word in _VI_SYLLABLES:
            vi += 1
        elif word in _EN_WORDS:
            en += 1
    if vi + en < _MIN_EVIDENCE or vi == en:
        return None
    return "vi" if vi > en else "en"


def language_from_code(code: str | None) -> str | None:
    """Map an HTML lang / og:locale value to "vi" or "en"; None for anything else.

    >>> language_from_code("vi_VN")
    'vi'
    """
    if not code:
        return None
    primary = re.split(r"[-_]", code.strip().lower(), maxsplit=1)[0]
    return primary if primary in ("vi", "en") else None


# The vowel groups of Vietnamese syllables, longest first so the regex tries them first.
_NUCLEI = sorted(
    "a e i o u y ai ao au ay eo eu ia ie iu oa oe oi oo ua ue ui uo uu uy ya ye ieu yeu oai oay "
    "oeo uay uya uye uyu uoi uou".split(),
    key=len,
    reverse=True,
)
# One Vietnamese syllable written without marks ("trung", "minh", "nguyen"): match it against
# folded, lowercased words.
VI_SYLLABLE = re.compile(
    rf"(?:ngh|ng|nh|ch|gh|gi|kh|ph|th|tr|qu|[bcdghklmnprstvx])?(?:{'|'.join(_NUCLEI)})"
    r"(?:ng|nh|ch|[cmnpt])?"
)
