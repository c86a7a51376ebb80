"""Data Ponte's schemas describe but JSON Schema cannot generate.

The catalog marks CPF/CNPJ inputs with `format: cpf-cnpj`: a length and characters a schema
can say, check digits it cannot. Without this strategy every generated document would be
refused (`invalid_document`), and a "valid" call would never reach an automation.
"""

import schemathesis
from hypothesis import strategies as st


def _check_digit(digits, weights):
    total = sum(d * w for d, w in zip(digits, weights))
    rest = total % 11
    return 0 if rest < 2 else 11 - rest


def _cpf(base):
    digits = list(base)
    digits.append(_check_digit(digits, range(10, 1, -1)))
    digits.append(_check_digit(digits, range(11, 1, -1)))
    text = "".join(map(str, digits))
    return text


def _cnpj(base):
    digits = list(base)
    digits.append(_check_digit(digits, [5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2]))
    digits.append(_check_digit(digits, [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2]))
    return "".join(map(str, digits))


def _formatted_cpf(text):
    return f"{text[:3]}.{text[3:6]}.{text[6:9]}-{text[9:]}"


def _formatted_cnpj(text):
    return f"{text[:2]}.{text[2:5]}.{text[5:8]}/{text[8:12]}-{text[12:]}"


# Bases whose digits are all equal give documents the Receita never issues; Ponte refuses them.
_cpf_base = st.lists(st.integers(0, 9), min_size=9, max_size=9).filter(lambda d: len(set(d)) > 1)
_cnpj_base = st.lists(st.integers(0, 9), min_size=12, max_size=12).filter(lambda d: len(set(d)) > 1)

_cpfs = _cpf_base.map(_cpf)
_cnpjs = _cnpj_base.map(_cnpj)

schemathesis.openapi.format(
    "cpf-cnpj",
    st.one_of(
        _cpfs,
        _cpfs.map(_formatted_cpf),
        _cnpjs,
        _cnpjs.map(_formatted_cnpj),
    ),
)
