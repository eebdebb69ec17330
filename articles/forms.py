"""SearchForm: the query string of the search page and the export, validated once."""

from __future__ import annotations

import calendar
from dataclasses import replace
from datetime import date
from typing import Any

from django import forms
from django.core import signing

from articles.models import Entity, Language, Topic
from articles.search import FACETS, SearchParams
from articles.text import nfc

MAX_QUERY_LENGTH = 500
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%Y-%m", "%Y"]
_CURSOR_SALT = "articles.export.cursor"


class _IdList(forms.Field):
    """Repeated positive integer parameters: ?source=1&source=2."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> tuple[int, ...]:
        values = [v for v in (value or []) if v != ""]
        if not all(str(v).isdigit() and int(v) > 0 for v in values):
            raise forms.ValidationError("Enter a whole number greater than 0.")
        return tuple(sorted({int(v) for v in values}))


class _SlugList(forms.Field):
    """Repeated slug parameters: ?topic=sport&topic=business."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> tuple[str, ...]:
        values = [str(v) for v in (value or []) if v != ""]
        if not all(v.replace("-", "").isalnum() and v.isascii() and len(v) <= 50 for v in values):
            raise forms.ValidationError("Enter valid topic slugs.")
        return tuple(sorted(set(values)))


class _Languages(forms.MultipleChoiceField):
    """?language=vi&language=en; the filter form's "any language" sends an empty value."""

    def to_python(self, value: Any) -> list[str]:
        return [v for v in super().to_python(value) if v != ""]


class SearchForm(forms.Form):
    # Validated by length, never by alphabet: "Hà Nội" is a normal query.
    q = forms.CharField(required=False, max_length=MAX_QUERY_LENGTH, strip=True)
    language = _Languages(required=False, choices=Language.choices)
    source = _IdList(required=False)
    topic = _SlugList(required=False)
    entity = _IdList(required=False)
    from_ = forms.DateField(required=False, input_formats=DATE_FORMATS, label="From")
    to = forms.DateField(required=False, input_formats=DATE_FORMATS)
    page = forms.IntegerField(required=False, min_value=1, max_value=10_000)
    # facets=0 skips facets and the timeline (a cheaper search, and the benchmark's baseline).
    facets = forms.NullBooleanField(required=False, widget=forms.HiddenInput)
    # literal=1: the words only, no expansion of entity names to their other spellings.
    literal = forms.BooleanField(required=False, widget=forms.HiddenInput)
    # collapse=1: one result per story; copies=1: list republished copies as results too.
    collapse = forms.BooleanField(required=False, label="One result per story")
    copies = forms.BooleanField(required=False, widget=forms.HiddenInput)
    story = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # "from" is a Python keyword, so the field is declared as from_ and renamed here.
        self.fields["from"] = self.fields.pop("from_")

    def clean_q(self) -> str:
        return " ".join(nfc(self.cleaned_data["q"]).split())

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
            raise forms.ValidationError("The start date is after the end date.")
        return data

    def params(self, limit: int = 20) -> SearchParams:
        data = self.cleaned_data
        return SearchParams(
            q=data["q"],
            # Sorted, so the same filters in another order are the same search.
            **{facet.param: tuple(sorted(data[facet.name])) for facet in FACETS},
            date_from=data["from"],
            date_to=data["to"],
            offset=((data["page"] or 1) - 1) * limit,
            limit=limit,
            facets=data["facets"] is not False,
            literal=data["literal"],
            collapse=data["collapse"],
            copies=data["copies"],
            story=data["story"],
        )


class StoryListForm(forms.Form):
    """The stories page's filters: an entity, a topic, a language, a date range."""

    entity = forms.IntegerField(required=False, min_value=1)
    topic = forms.SlugField(required=False, max_length=50)
    language = forms.ChoiceField(required=False, choices=[("", "any language"), *Language.choices])
    from_ = forms.DateField(required=False, input_formats=DATE_FORMATS, label="From")
    to = forms.DateField(required=False, input_formats=DATE_FORMATS)
    singles = forms.BooleanField(required=False, label="Include single-article stories")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["from"] = self.fields.pop("from_")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("from") and data.get("to") and data["from"] > data["to"]:
            raise forms.ValidationError("The start date is after the end date.")
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


class ExportForm(SearchForm):
    cursor = forms.CharField(required=False, max_length=200)
    limit = forms.IntegerField(required=False, min_value=1, max_value=200)

    def clean_cursor(self) -> int:
        raw = self.cleaned_data["cursor"]
        if not raw:
            return 0
        try:
            return int(signing.loads(raw, salt=_CURSOR_SALT)["offset"])
        except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
            raise forms.ValidationError("Invalid cursor: use the `next` URL as given.") from exc

    def params(self, limit: int = 50) -> SearchParams:
        size = self.cleaned_data["limit"] or limit
        # Facets and the timeline come with the first page only: the rest is paging.
        cursor = self.cleaned_data["cursor"]
        params = super().params(size)
        return replace(params, offset=cursor, facets=params.facets and not cursor)


def make_cursor(offset: int) -> str:
    return signing.dumps({"offset": offset}, salt=_CURSOR_SALT, compress=True)
