"""Letter templates: merge fields in a sandbox, only whitelisted names, nothing evaluated."""

from __future__ import annotations

import pytest

from app.letters import rules
from app.letters.defaults import BUILTIN_TEMPLATES


def codes(text: str) -> list[tuple[str, str]]:
    return [(p.code, p.detail) for p in rules.template_problems(text)]


def test_known_fields_are_accepted_and_merged():
    text = "Dear {{ client_name }}, contract {{contract_number}} renews on {{ renewal_date }}."
    assert rules.template_problems(text) == []
    merged = rules.merge(text, {"client_name": "Marie Durand", "contract_number": "P-42", "renewal_date": "1 May"})
    assert merged == "Dear Marie Durand, contract P-42 renews on 1 May."


def test_an_unknown_field_is_refused_by_name():
    assert codes("Hello {{ client_name }} {{ password }}") == [("unknown_field", "password")]


@pytest.mark.parametrize("text", [
    "{{ ''.__class__ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ client_name.upper() }}",
    "{{ client_name|upper }}",
    "{{ 7 * 7 }}",
    "{{ config }}{{ self }}",
])
def test_anything_but_a_bare_field_is_refused(text):
    problems = rules.template_problems(text)
    assert problems and {p.code for p in problems} <= {"not_allowed", "unknown_field"}
    with pytest.raises(rules.TemplateRefused):
        rules.merge(text, {"client_name": "x"})


@pytest.mark.parametrize("text", ["{% for x in range(3) %}{% endfor %}", "{% set a = 1 %}",
                                  "{% include 'layout.html' %}"])
def test_statements_are_refused(text):
    assert codes(text)[0][0] == "not_allowed"


def test_a_syntax_error_is_reported_with_its_line():
    assert codes("line one\n{{ client_name ") == [("syntax", "line 2")]


def test_a_value_is_inserted_as_text_never_evaluated():
    merged = rules.merge("{{ client_name }}", {"client_name": "{{ ''.__class__ }}"})
    assert merged == "{{ ''.__class__ }}"


def test_a_field_without_value_stays_visible():
    assert rules.merge("Deadline: {{ cancellation_deadline }}", {}) == "Deadline: [cancellation_deadline]"


def test_every_builtin_template_uses_only_merge_fields_in_both_languages():
    assert {"cancellation_notice", "documents_request", "formal_notice", "renewal_notice", "free"} <= set(
        BUILTIN_TEMPLATES)
    for template in BUILTIN_TEMPLATES.values():
        for locale in ("fr", "en"):
            wording = template.wording(locale)
            assert rules.template_problems(wording.subject) == [], template.code
            assert rules.template_problems(wording.body) == [], template.code


def test_the_renewal_notice_states_the_deadline_and_the_chatel_rights():
    wording = BUILTIN_TEMPLATES["renewal_notice"].wording("fr")
    assert "cancellation_deadline" in rules.fields_used(wording.body)
    assert "L113-15-1" in wording.body and "vingt jours" in wording.body
