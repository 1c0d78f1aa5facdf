"""Translations of an entity's text fields (materials, categories, listings): ``?lang=ar|en``.

An entity keeps its base fields in their own columns and its translations in one JSON column, ``i18n``,
shaped ``{"ar": {"name": "ألمنيوم"}, "en": {"name": "Aluminum"}}``: only the languages of
:data:`LANGUAGES` and only the entity's translatable fields. Text is stored and returned exactly as
sent (Arabic included).

- Writing: ``clean_translations(body.get("i18n"), FIELDS)`` keeps what may be stored (empty strings
  dropped); ``merge_translations(stored, incoming, FIELDS)`` applies a partial update (a language or a
  field given replaces the stored one, the rest stays).
- Reading: ``localize(out, stored, lang, FIELDS)`` takes the dumped entity ``out`` (a dict): with ``lang``
  that language's translations replace the base fields and no ``i18n`` is returned; without it the
  dump gets ``i18n`` with every stored translation. Nested entities (a listing's material) are
  localized the same way by the caller, with the same ``lang``.

Spec: the root's ``Lang`` parameter (``lang``, enum ``ar``/``en``) and ``Translations`` schema; an area
declares its own ``...Translations`` schema naming its fields.
"""
LANGUAGES = ("ar", "en")


def clean_translations(value, fields):
    """What of a request's ``i18n`` object may be stored: known languages and fields, non-empty strings."""
    if not isinstance(value, dict):
        return {}
    cleaned = {}
    for lang in LANGUAGES:
        entry = value.get(lang)
        if isinstance(entry, dict):
            kept = {f: entry[f] for f in fields if isinstance(entry.get(f), str) and entry[f].strip()}
            if kept:
                cleaned[lang] = kept
    return cleaned


def merge_translations(stored, incoming, fields):
    """``stored`` with ``incoming`` (a request's ``i18n``) applied language by language, field by field."""
    merged = {lang: dict(entry) for lang, entry in (stored or {}).items() if lang in LANGUAGES}
    for lang, entry in clean_translations(incoming, fields).items():
        merged.setdefault(lang, {}).update(entry)
    return merged


def localize(out, stored, lang, fields):
    """``out`` (a dumped entity) in ``lang``, or with every stored translation under ``i18n``."""
    stored = stored or {}
    if lang:
        for name, text in (stored.get(lang) or {}).items():
            if name in fields and text:
                out[name] = text
        out.pop("i18n", None)
    else:
        out["i18n"] = {code: {f: v for f, v in entry.items() if f in fields}
                       for code, entry in stored.items() if code in LANGUAGES}
    return out
