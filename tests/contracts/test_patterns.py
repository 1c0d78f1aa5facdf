"""Every schema ``pattern`` in the four contracts judges a string the way ECMA-262 does.

JSON Schema patterns are ECMA-262 regular expressions: Schemathesis, generated clients and browsers
read them so. The server checks them with Python's ``re`` (``server.validation``). Where the two read a
pattern differently, a client's valid value is refused (a Diora shop named "\\x1e" passed ``\\S`` for the
client and failed it on the server). jsonschema-rs stands in for the ECMA reading here.
"""
import jsonschema_rs
import pytest

import openapi
from contracts.specs import products_with_specs
from server.validation import _ecma_regex

# Characters the two dialects disagree about (whitespace, digits, word characters, line ends),
# alone, inside and around ordinary values.
TRICKY = ["\t", "\n", "\x0b", "\x1c", "\x1e", "\x1f", " ", "\x85", "\xa0", "\u1680", "\u2000", "\u2028",
          "\u202f", "\u3000", "\ufeff", "\u0663", "\uff11", "\u00e9", "\u0130", "\r"]
BASES = ["", "a", "A", "7", "123456", "2.50", "ab_c-1.png", "0123456789abcdef01234567", "x" * 8]


def _patterns(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "pattern" and isinstance(value, str):
                yield value
            else:
                yield from _patterns(value)
    elif isinstance(node, list):
        for value in node:
            yield from _patterns(value)


def _probes():
    for base in BASES:
        yield base
        for char in TRICKY:
            yield char
            yield base + char
            yield char + base
            yield base + char + base


PATTERNS = sorted({(product, p) for product in products_with_specs() for p in _patterns(openapi.load(product))})


class TestSchemaPatterns:
    @pytest.mark.parametrize(("product", "pattern"), PATTERNS, ids=[f"{p}:{pat}" for p, pat in PATTERNS])
    def test_server_reads_pattern_as_ecma_262_does(self, product, pattern):
        ecma = jsonschema_rs.validator_for({"type": "string", "pattern": pattern})
        server = _ecma_regex(pattern)
        disagree = [s for s in set(_probes()) if ecma.is_valid(s) != bool(server.search(s))]
        assert disagree == []

    def test_non_blank_text_refuses_every_whitespace_character(self):
        # The spelled-out class the specs use for "some text": every character Python's str.strip()
        # removes is refused, alone; anything else is kept.
        non_blank = next(p for _, p in PATTERNS if p.startswith("[^\\t\\n\\v"))
        regex = _ecma_regex(non_blank)
        whitespace = [chr(c) for c in range(0x3001) if chr(c).isspace()]
        assert [c for c in whitespace if regex.search(c)] == []
        assert regex.search("\ufeff") and regex.search("a") and regex.search("\x00")
