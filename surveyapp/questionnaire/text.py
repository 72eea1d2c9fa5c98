"""Text in the three languages of the platform."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from analysis.vocabulary import LANGUAGES, REQUIRED_LANGUAGES

# Kazakh and Russian are what respondents read; English is for researchers.
# The key of a text mapping in the YAML that holds the texts in other languages: {kk: ..., extra: {Deutsch: ...}}.
EXTRA_KEY: Final = "extra"


@dataclass(frozen=True, slots=True)
class LocalizedText:
    kk: str | None = None
    ru: str | None = None
    en: str | None = None
    # Texts in other languages of an imported XLSForm, as (its column's language, text), e.g. ("French (fr)",
    # "Question"): no respondent reads them here, and the XLSForm export writes them back. Every other use of
    # a text (the pages, as_dict, missing, truthiness) sees kk/ru/en only.
    extra: tuple[tuple[str, str], ...] = ()

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> LocalizedText:
        raw = data.get(EXTRA_KEY)
        extra = tuple(
            (str(name), value.strip())
            for name, value in (raw.items() if isinstance(raw, Mapping) else ())
            if isinstance(value, str) and value.strip()
        )
        return cls(**{lang: data.get(lang) or None for lang in LANGUAGES}, extra=extra)

    def get(self, language: str, fallback: bool = True) -> str:
        """Text in `language`; with fallback, the first other language that has text (ru, kk, en)."""
        text = getattr(self, language, None) if language in LANGUAGES else None
        if text or not fallback:
            return text or ""
        for other in ("ru", "kk", "en"):
            if value := getattr(self, other):
                return str(value)
        return ""

    def missing(self, languages: tuple[str, ...] = REQUIRED_LANGUAGES) -> list[str]:
        return [lang for lang in languages if not getattr(self, lang)]

    def as_dict(self) -> dict[str, str]:
        return {lang: value for lang in LANGUAGES if (value := getattr(self, lang))}

    def __bool__(self) -> bool:
        return any(getattr(self, lang) for lang in LANGUAGES)
