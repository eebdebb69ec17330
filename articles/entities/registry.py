"""The entity registry: countries from CLDR (via babel) plus the shipped data file.

Countries are built at run time so that their names follow the installed CLDR release; the
organisations, people and regions that world news names most live in data/entities.jsonl,
which curators edit. Nothing here touches the database.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from babel import Locale

from articles.text import nfc

KINDS = ("person", "organisation", "place", "other")
LANGS = ("en", "vi", "")
DATA_PATH = Path(__file__).resolve().parent / "data" / "entities.jsonl"

_ID = re.compile(r"[a-z0-9][a-z0-9-]*")
_FIELDS = {"id", "kind", "name_en", "name_vi", "description", "aliases", "reuters"}
_ALIAS_FIELDS = {"text", "lang", "acronym"}


class RegistryError(ValueError):
    """The data file breaks a rule; the message names the line and the problem."""


@dataclass(frozen=True)
class Alias:
    text: str
    lang: str  # "en", "vi", or "" when the same spelling serves both languages
    acronym: bool = False


@dataclass(frozen=True)
class EntityRecord:
    id: str
    kind: str
    name_en: str
    name_vi: str
    description: str
    aliases: tuple[Alias, ...]
    reuters: tuple[str, ...] = ()  # Reuters-21578 tags this entity counts as (evaluation only)


# CLDR territories that are not countries: macro-regions are numeric and skipped anyway;
# EU and UN are organisations in the data file; the rest are pseudo-locales, the eurozone and
# CLDR's "exceptionally reserved" codes (Ascension, Canary Islands, Ceuta & Melilla...).
_NOT_COUNTRIES = frozenset(
    {"EU", "EZ", "UN", "QO", "ZZ", "XA", "XB", "AC", "CP", "CQ", "DG", "EA", "IC", "TA"}
)

# Forms the press uses that CLDR does not give: short names, older official names and the
# phonetic Vietnamese spellings (Li-bi, I-rắc) still common in Vietnamese news.
_SHORT_FORMS: dict[str, tuple[tuple[str, str], ...]] = {
    "US": (
        ("Mỹ", "vi"),
        ("Hợp chúng quốc Hoa Kỳ", "vi"),
        ("US", ""),
        ("U.S.", ""),
        ("USA", ""),
        ("U.S.A.", ""),
        ("United States of America", "en"),
        ("America", "en"),
    ),
    "GB": (
        ("Anh", "vi"),
        ("Anh Quốc", "vi"),
        ("Vương quốc Liên hiệp Anh", "vi"),
        ("UK", ""),
        ("U.K.", ""),
        ("Britain", "en"),
        ("Great Britain", "en"),
    ),
    "FR": (("Cộng hòa Pháp", "vi"),),
    "DE": (
        ("West Germany", "en"),
        ("Federal Republic of Germany", "en"),
        ("Tây Đức", "vi"),
        ("Cộng hòa Liên bang Đức", "vi"),
    ),
    "RU": (("Russian Federation", "en"), ("Liên bang Nga", "vi")),
    "CN": (("People's Republic of China", "en"), ("Trung Hoa", "vi")),
    "JP": (("Nhật", "vi"),),
    "KR": (("Republic of Korea", "en"), ("Nam Triều Tiên", "vi"), ("Đại Hàn", "vi")),
    "KP": (
        ("DPRK", ""),
        ("Democratic People's Republic of Korea", "en"),
        ("Bắc Triều Tiên", "vi"),
        ("CHDCND Triều Tiên", "vi"),
    ),
    "IN": (("Ấn", "vi"),),
    "AU": (("Úc", "vi"), ("Ô-xtrây-li-a", "vi")),
    "LY": (("Li-bi", "vi"), ("Libia", "vi")),
    "IQ": (("I-rắc", "vi"),),
    "IR": (("I-ran", "vi"),),
    "SY": (("Xy-ri", "vi"), ("Xi-ri", "vi")),
    "UA": (("Ukraine", "vi"), ("U-crai-na", "vi"), ("Ucraina", "vi")),
    "VN": (("Viet Nam", "en"), ("Việt Nam", "en"), ("Socialist Republic of Vietnam", "en")),
    "IT": (("Ý", "vi"), ("I-ta-li-a", "vi")),
    "IL": (("I-xra-en", "vi"), ("Ixraen", "vi")),
    "PS": (("Palestine", "en"), ("Pa-le-xtin", "vi")),
    "TR": (("Turkey", "en"),),
    "CZ": (("Czech Republic", "en"), ("Cộng hòa Séc", "vi")),
    "TL": (("East Timor", "en"), ("Đông Timor", "vi")),
    "SZ": (("Swaziland", "en"),),
    "MK": (("Macedonia", "en"),),
    "VA": (("Vatican", "en"), ("Holy See", "en"), ("Tòa Thánh", "vi"), ("Vatican", "vi")),
    "CI": (("Ivory Coast", "en"), ("Cote d'Ivoire", "en"), ("Bờ Biển Ngà", "vi")),
    "CD": (
        ("Democratic Republic of the Congo", "en"),
        ("DR Congo", "en"),
        ("DRC", "en"),
        ("Zaire", "en"),
        ("CHDC Congo", "vi"),
    ),
    "CG": (("Congo", "en"), ("Republic of the Congo", "en")),
    "MM": (("Miến Điện", "vi"), ("Mi-an-ma", "vi")),
    "KH": (("Kampuchea", "en"), ("Cam-pu-chia", "vi")),
    "AE": (("UAE", ""), ("U.A.E.", ""), ("Emirates", "en"), ("Ả Rập Thống nhất", "vi")),
    "SA": (("Saudi", "en"), ("Ả-rập Xê-út", "vi"), ("Arab Saudi", "vi")),
    "NL": (("Holland", "en"),),
    "NZ": (("Niu Di-lân", "vi"),),
    "CA": (("Ca-na-đa", "vi"),),
    "BR": (("Bra-xin", "vi"), ("Braxin", "vi")),
    "MX": (("Mê-hi-cô", "vi"), ("Mê-xi-cô", "vi")),
    "AR": (("Ác-hen-ti-na", "vi"),),
    "CU": (("Cu-ba", "vi"),),
    "SG": (("Xin-ga-po", "vi"),),
    "ID": (("In-đô-nê-xi-a", "vi"),),
    "MY": (("Ma-lai-xi-a", "vi"),),
    "PH": (("Phi-líp-pin", "vi"),),
    "AF": (("Áp-ga-ni-xtan", "vi"),),
    "PK": (("Pa-ki-xtan", "vi"),),
    "HU": (("Hung-ga-ri", "vi"),),
    "BA": (("Bosnia", "en"),),
    "TT": (("Trinidad", "en"),),
    "AG": (("Antigua", "en"),),
    "GE": (("Gru-di-a", "vi"),),
    "MO": (("Macau", "en"), ("Ma Cao", "vi")),
    "YE": (("North Yemen", "en"), ("Yemen Arab Republic", "en"), ("Y-ê-men", "vi")),
    "VI": (("US Virgin Islands", "en"),),
}

# Reuters-21578 `places` codes that are not the English name slugged: see _reuters_code().
_REUTERS_CODES = {
    "US": "usa",
    "GB": "uk",
    "DE": "west-germany",
    "AE": "uae",
    "CI": "ivory-coast",
    "CD": "zaire",
    "KH": "kampuchea",
    "MM": "burma",
    "SZ": "swaziland",
    "TR": "turkey",
    "TT": "trinidad-tobago",
    "AG": "antigua",
    "VI": "us-virgin-islands",
    "CG": "congo",
    "HK": "hong-kong",
    "MO": "macau",
    "YE": "yemen-arab-republic",
}

# CLDR qualifies some names for disambiguation in lists; the press does not.
_CLDR_TRIMS = (" SAR China", "Đặc khu Hành chính ", ", Trung Quốc")
_PARENTHESIS = re.compile(r"\s*\(([^)]*)\)")


def country_records() -> list[EntityRecord]:
    """Every country and territory in CLDR, named in English and Vietnamese."""
    english = Locale("en").territories
    vietnamese = Locale("vi").territories
    records = []
    for code in sorted(english):
        if len(code) != 2 or not code.isalpha() or code in _NOT_COUNTRIES:
            continue
        name_en = english[code]
        name_vi = vietnamese.get(code, name_en)
        pairs = [(text, "en") for text in _cldr_forms(name_en, "and")]
        pairs += [(text, "vi") for text in _cldr_forms(name_vi, "và")]
        pairs += list(_SHORT_FORMS.get(code, ()))
        records.append(
            EntityRecord(
                id=f"country-{code.lower()}",
                kind="place",
                name_en=_cldr_forms(name_en, "and")[0],
                name_vi=_cldr_forms(name_vi, "và")[0],
                description=f"Country or territory (ISO 3166 {code})",
                aliases=_merge_aliases(pairs),
                reuters=(_reuters_code(code, name_en),),
            )
        )
    return records


def load_registry(path: Path | None = None) -> list[EntityRecord]:
    """Countries from CLDR followed by the entities in the data file, checked for clashes."""
    records = country_records() + read_entities(path or DATA_PATH)
    _check_unique(records)
    return records


def read_entities(path: Path) -> list[EntityRecord]:
    """Parse the JSON Lines data file; raise RegistryError naming the line at fault."""
    records = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                records.append(_parse_entity(json.loads(line)))
            except json.JSONDecodeError as exc:
                raise RegistryError(f"{path.name} line {number}: not JSON ({exc.msg})") from exc
            except RegistryError as exc:
                raise RegistryError(f"{path.name} line {number}: {exc}") from exc
    return records


def _parse_entity(row: Any) -> EntityRecord:
    if not isinstance(row, dict):
        raise RegistryError("expected a JSON object")
    unknown = set(row) - _FIELDS
    if unknown:
        raise RegistryError(f"unknown field(s) {', '.join(sorted(unknown))}")
    entity_id = _text_field(row, "id")
    if not _ID.fullmatch(entity_id):
        raise RegistryError(f"id {entity_id!r} must be lowercase letters, digits and hyphens")
    kind = _text_field(row, "kind")
    if kind not in KINDS:
        raise RegistryError(f"kind {kind!r} is not one of {', '.join(KINDS)}")
    name_en = _text_field(row, "name_en", required=False)
    name_vi = _text_field(row, "name_vi", required=False)
    if not (name_en or name_vi):
        raise RegistryError(f"{entity_id}: needs name_en or name_vi")
    aliases = row.get("aliases", [])
    if not isinstance(aliases, list):
        raise RegistryError(f"{entity_id}: aliases must be a list")
    pairs: list[tuple[str, str]] = [(name_en, "en"), (name_vi, "vi")]
    acronyms = set()
    for alias in aliases:
        text, lang, acronym = _parse_alias(entity_id, alias)
        pairs.append((text, lang))
        if acronym:
            acronyms.add(text)
    reuters = row.get("reuters", [])
    if not isinstance(reuters, list) or not all(isinstance(tag, str) for tag in reuters):
        raise RegistryError(f"{entity_id}: reuters must be a list of strings")
    return EntityRecord(
        id=entity_id,
        kind=kind,
        name_en=name_en,
        name_vi=name_vi,
        description=_text_field(row, "description", required=False),
        aliases=_merge_aliases([pair for pair in pairs if pair[0]], acronyms),
        reuters=tuple(reuters),
    )


def _parse_alias(entity_id: str, alias: Any) -> tuple[str, str, bool]:
    if not isinstance(alias, dict) or set(alias) - _ALIAS_FIELDS:
        raise RegistryError(f"{entity_id}: each alias is an object with text, lang, acronym")
    text = _text_field(alias, "text")
    lang = alias.get("lang", "")
    if lang not in LANGS:
        raise RegistryError(f'{entity_id}: alias {text!r} has lang {lang!r}; use en, vi or ""')
    acronym = alias.get("acronym", False)
    if not isinstance(acronym, bool):
        raise RegistryError(f"{entity_id}: alias {text!r}: acronym must be true or false")
    return text, lang, acronym


def _text_field(row: dict[str, Any], name: str, required: bool = True) -> str:
    value = row.get(name, "")
    if not isinstance(value, str):
        raise RegistryError(f"{name} must be a string")
    value = " ".join(nfc(value).split())
    if required and not value:
        raise RegistryError(f"{name} is missing or empty")
    return value


def _merge_aliases(
    pairs: list[tuple[str, str]], acronyms: set[str] | None = None
) -> tuple[Alias, ...]:
    """One alias per spelling; a spelling listed for both languages gets lang ""."""
    langs: dict[str, str] = {}
    for text, lang in pairs:
        text = " ".join(nfc(text).split())
        if text in langs and langs[text] != lang:
            langs[text] = ""
        else:
            langs.setdefault(text, lang)
    marked = acronyms or set()
    return tuple(
        Alias(text, lang, acronym=text in marked or _looks_like_acronym(text))
        for text, lang in langs.items()
    )


def _looks_like_acronym(text: str) -> bool:
    letters = text.replace(".", "")
    return " " not in text and letters.isalpha() and letters.isupper() and len(letters) >= 2


def _cldr_forms(name: str, conjunction: str) -> list[str]:
    """Press forms of a CLDR name: the main name first, then any parenthesised alternative.

    >>> _cldr_forms("Myanmar (Burma)", "and")
    ['Myanmar', 'Burma']
    """
    for trim in _CLDR_TRIMS:
        name = name.replace(trim, "")
    name = name.replace(" & ", f" {conjunction} ")
    inner = _PARENTHESIS.findall(name)
    main = " ".join(_PARENTHESIS.sub("", name).split())
    forms = [main]
    if inner and name.rstrip().endswith(")"):
        forms += inner
    if main.startswith("St. "):
        forms.append("Saint " + main[4:])
    return forms


def _reuters_code(code: str, name_en: str) -> str:
    """Reuters-21578 place code: the English name lowercased with hyphens, bar exceptions.

    >>> _reuters_code("LK", "Sri Lanka")
    'sri-lanka'
    """
    if code in _REUTERS_CODES:
        return _REUTERS_CODES[code]
    return "-".join(re.findall(r"[a-z]+", name_en.lower().replace("&", "")))


def _check_unique(records: list[EntityRecord]) -> None:
    owners: dict[str, str] = {}
    aliases: dict[str, str] = {}
    for record in records:
        if record.id in owners:
            raise RegistryError(f"duplicate id {record.id!r}")
        owners[record.id] = record.id
        for alias in record.aliases:
            # Same spelling, two entities: the linker could not choose, so refuse it here.
            key = alias.text.casefold()
            other = aliases.setdefault(key, record.id)
            if other != record.id:
                raise RegistryError(
                    f"alias {alias.text!r} belongs to both {other!r} and {record.id!r}"
                )
