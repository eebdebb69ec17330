"""SearchForm: the query string of the search page and the export, validated once."""

from __future__ import annotations

import calendar
import json
import re
from dataclasses import replace
from datetime import date
from typing import Any

from django import forms
from django.core import signing
from django.utils.translation import gettext, gettext_lazy, ngettext

from articles.models import Entity, Language, Topic
from articles.search import FACETS, SearchParams
from articles.text import nfc

MAX_QUERY_LENGTH = 500
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%Y-%m", "%Y"]
# Primary keys are signed 64-bit columns on both databases: a larger id can name nothing, and
# SQLite refuses even to compare with one (an OverflowError, so a 500, before issue #16).
MAX_ID = 2**63 - 1
# The index keeps four-digit years: Whoosh's date parser fails on an earlier one.
MIN_DATE, MAX_DATE = date(1000, 1, 1), date(9999, 12, 31)
# A cursor is signed, but the key may leak (the local default is in the repository): whatever
# it says, it asks for no more than this.
MAX_CURSOR_OFFSET = 10_000_000
MAX_LIST_VALUES = 50  # values of one repeated filter (?source=1&source=2...)
# Results per page on the pages (?per_page=50): the choices offered, the default and the bound.
PER_PAGE_CHOICES = (20, 50, 100)
PER_PAGE, MAX_PER_PAGE = 20, 100
# ASCII digits only: int() reads "١٢" and "１２", str.isdigit() passes "²" that int() refuses.
_WHOLE = re.compile(r"[0-9]{1,19}")
_CURSOR_SALT = "articles.export.cursor"
_NOT_A_NUMBER = gettext_lazy("Enter a whole number greater than 0.")


def _whole(value: object) -> int | None:
    """The whole number written in ASCII digits, or None.

    >>> [_whole(v) for v in ("12", " 7 ", "²", "١٢", "1.0", "-1", "9" * 20)]
    [12, 7, None, None, None, None, None]
    """
    text = str(value).strip()
    return int(text) if _WHOLE.fullmatch(text) else None


def _too_many_values() -> str:
    return ngettext(
        "Choose at most %(limit)d value.", "Choose at most %(limit)d values.", MAX_LIST_VALUES
    ) % {"limit": MAX_LIST_VALUES}


class WholeNumberField(forms.IntegerField):
    """An integer in ASCII digits, at most MAX_ID unless told otherwise."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values:
            return None
        number = _whole(value)
        if number is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return number


class BoundedDateField(forms.DateField):
    """A date in one of DATE_FORMATS, in ASCII digits, between MIN_DATE and MAX_DATE."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, input_formats=DATE_FORMATS, **kwargs)

    def to_python(self, value: Any) -> date | None:
        if value in self.empty_values:
            return None
        text = str(value).strip()
        if not text.isascii():  # strptime's \d reads Arabic-Indic digits too
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        day = super().to_python(text)
        if day is not None and not MIN_DATE <= day <= MAX_DATE:
            raise forms.ValidationError(
                gettext("Enter a date from the year 1000 to 9999."), code="out_of_range"
            )
        return day


def per_page_field() -> WholeNumberField:
    """?per_page=N on a page that lists: 1 to MAX_PER_PAGE, PER_PAGE when absent."""
    return WholeNumberField(required=False, min_value=1, max_value=MAX_PER_PAGE)


class _IdList(forms.Field):
    """Repeated positive integer parameters: ?source=1&source=2."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> tuple[int, ...]:
        values = [v for v in (value or []) if v != ""]
        if len(values) > MAX_LIST_VALUES:
            raise forms.ValidationError(_too_many_values())
        numbers = [_whole(v) for v in values]
        if not all(n is not None and 0 < n <= MAX_ID for n in numbers):
            raise forms.ValidationError(_NOT_A_NUMBER)
        return tuple(sorted({n for n in numbers if n is not None}))


class _SlugList(forms.Field):
    """Repeated slug parameters: ?topic=sport&topic=business."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> tuple[str, ...]:
        values = [str(v) for v in (value or []) if v != ""]
        if len(values) > MAX_LIST_VALUES:
            raise forms.ValidationError(_too_many_values())
        if not all(v.replace("-", "").isalnum() and v.isascii() and len(v) <= 50 for v in values):
            raise forms.ValidationError(gettext("Enter valid topic slugs."))
        return tuple(sorted(set(values)))


class _Languages(forms.MultipleChoiceField):
    """?language=vi&language=en; the filter form's "any language" sends an empty value."""

    def to_python(self, value: Any) -> list[str]:
        return [v for v in super().to_python(value) if v != ""]


class SearchForm(forms.Form):
    # Validated by length, never by alphabet: "Hà Nội" is a normal query. The length is
    # counted after NFC (clean_q), so a decomposed "Hà Nội" counts as many letters as it shows.
    q = forms.CharField(required=False, strip=True)
    language = _Languages(required=False, choices=Language.choices)
    source = _IdList(required=False)
    topic = _SlugList(required=False)
    entity = _IdList(required=False)
    from_ = BoundedDateField(label=gettext_lazy("From"))
    to = BoundedDateField(label=gettext_lazy("To"))
    page = WholeNumberField(required=False, min_value=1, max_value=10_000)
    per_page = per_page_field()
    # facets=0 skips facets and the timeline (a cheaper search, and the benchmark's baseline).
    facets = forms.NullBooleanField(required=False, widget=forms.HiddenInput)
    # literal=1: the words only, no expansion of entity names to their other spellings.
    literal = forms.BooleanField(required=False, widget=forms.HiddenInput)
    # collapse=1: one result per story; copies=1: list republished copies as results too.
    collapse = forms.BooleanField(required=False, label=gettext_lazy("One result per story"))
    copies = forms.BooleanField(required=False, widget=forms.HiddenInput)
    story = WholeNumberField(required=False, min_value=1, widget=forms.HiddenInput)
    # accents=exact: words match only with the diacritics typed; sort: relevance or by date.
    accents = forms.ChoiceField(
        required=False,
        choices=[("", gettext_lazy("folded")), ("exact", gettext_lazy("exact"))],
    )
    sort = forms.ChoiceField(
        required=False,
        choices=[
            ("relevance", gettext_lazy("relevance")),
            ("newest", gettext_lazy("newest first")),
            ("oldest", gettext_lazy("oldest first")),
        ],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # "from" is a Python keyword, so the field is declared as from_ and renamed here.
        self.fields["from"] = self.fields.pop("from_")

    def clean_q(self) -> str:
        query = " ".join(nfc(self.cleaned_data["q"]).split())
        if len(query) > MAX_QUERY_LENGTH:
            raise forms.ValidationError(
                gettext("Ensure this value has at most %(limit)d characters (it has %(length)d).")
                % {"limit": MAX_QUERY_LENGTH, "length": len(query)}
            )
        return query

    def clean_to(self) -> date | None:
        # "to=2016" or "to=2016-05" means the end of that year or month, not its first day.
        end, raw = self.cleaned_data["to"], str(self.data.get("to", "")).strip()
        if end and len(raw) == 4:
            return date(end.year, 12, 31)
        if end and len(raw) == 7:
            return date(end.year, end.month, calendar.monthrange(end.year, end.month)[1])
        return end

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("from"), data.get("to")
        if start and end and start > end:
            raise forms.ValidationError(gettext("The start date is after the end date."))
        return data

    def params(self, limit: int | None = None) -> SearchParams:
        data = self.cleaned_data
        limit = limit or data.get("per_page") or PER_PAGE
        # Sorted, so the same filters in another order are the same search.
        chosen: dict[str, Any] = {facet.param: tuple(sorted(data[facet.name])) for facet in FACETS}
        return SearchParams(
            q=data["q"],
            **chosen,
            date_from=data["from"],
            date_to=data["to"],
            offset=((data["page"] or 1) - 1) * limit,
            limit=limit,
            facets=data["facets"] is not False,
            literal=data["literal"],
            collapse=data["collapse"],
            copies=data["copies"],
            story=data["story"],
            exact_accents=data["accents"] == "exact",
            sort=data["sort"] or "relevance",
        )


class StoryListForm(forms.Form):
    """The stories page's filters: an entity, a topic, a language, a date range."""

    entity = WholeNumberField(required=False, min_value=1)
    topic = forms.SlugField(required=False, max_length=50)
    language = forms.ChoiceField(
        required=False, choices=[("", gettext_lazy("any language")), *Language.choices]
    )
    from_ = BoundedDateField(label=gettext_lazy("From"))
    to = BoundedDateField(label=gettext_lazy("To"))
    singles = forms.BooleanField(
        required=False, label=gettext_lazy("Include single-article stories")
    )
    page = WholeNumberField(required=False, min_value=1, max_value=10_000)
    per_page = per_page_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["from"] = self.fields.pop("from_")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("from") and data.get("to") and data["from"] > data["to"]:
            raise forms.ValidationError(gettext("The start date is after the end date."))
        return data

    def filters(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "entity": data["entity"],
            "topic": data["topic"] or None,
            "language": data["language"] or None,
            "date_from": data["from"],
            "date_to": data["to"],
            "singles": data["singles"],
        }

    def chosen(self) -> dict[str, Any]:
        """The chosen entity and topic as objects, for the page's headings."""
        data = self.cleaned_data
        return {
            "entity": Entity.objects.filter(pk=data["entity"]).first() if data["entity"] else None,
            "topic": Topic.objects.filter(slug=data["topic"]).first() if data["topic"] else None,
            "topics": Topic.objects.all(),
        }


class PageForm(forms.Form):
    """A listing's page number and size (?page=2&per_page=50), for pages with no other parameter."""

    page = WholeNumberField(required=False, min_value=1, max_value=10_000)
    per_page = per_page_field()


class ExportForm(SearchForm):
    per_page = None  # type: ignore[assignment]  # the export pages by `limit`
    cursor = forms.CharField(required=False, max_length=200)
    limit = WholeNumberField(required=False, min_value=1, max_value=200)

    def clean_cursor(self) -> int:
        raw = self.cleaned_data["cursor"]
        return read_cursor(raw) if raw else 0

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("cursor") and data.get("page"):
            raise forms.ValidationError(
                gettext("Use either `cursor` (from `next`) or `page`, not both.")
            )
        return data

    def params(self, limit: int | None = None) -> SearchParams:
        size = self.cleaned_data["limit"] or limit or 50
        # `page` counts pages of `limit` results; `next` carries the offset in its cursor.
        # Facets and the timeline come with the first page only: the rest is paging.
        params = super().params(size)
        offset = self.cleaned_data["cursor"] or params.offset
        return replace(params, offset=offset, facets=params.facets and not offset)


def make_cursor(offset: int) -> str:
    """The opaque `next` cursor: the offset, signed (never compressed, see read_cursor)."""
    return signing.dumps({"offset": offset}, salt=_CURSOR_SALT)


def read_cursor(raw: str) -> int:
    """The offset a cursor asks for; ValidationError unless it is ours and within bounds.

    The signature is checked first, on the raw string, and a compressed payload ("." after
    signing) is refused before anything is decompressed or parsed: with a known key, a
    forged cursor could otherwise make the server inflate and read whatever it likes.
    """
    invalid = forms.ValidationError(gettext("Invalid cursor: use the `next` URL as given."))
    try:
        payload = signing.TimestampSigner(salt=_CURSOR_SALT).unsign(raw)
        if payload.startswith("."):
            raise invalid
        offset = json.loads(signing.b64_decode(payload.encode()))["offset"]
    except (signing.BadSignature, ValueError, TypeError, KeyError, RecursionError) as exc:
        raise invalid from exc
    if type(offset) is not int or not 0 <= offset <= MAX_CURSOR_OFFSET:
        raise invalid
    return offset
