"""The letter studio says who each template is for and what each value takes in words, for every template and
every kind of value, so a new one cannot show its code ("cpo", "multiline") or fail to show at all."""

from __future__ import annotations

from letters import catalogue
from letters.fields import KIND_WORDS, KINDS


def test_every_templates_recipient_and_every_kind_of_value_has_words():
    assert {spec.recipient for spec in catalogue.TEMPLATES.values()} <= set(catalogue.RECIPIENT_WORDS)
    assert set(KIND_WORDS) == set(KINDS)
    assert all("_" not in words for words in [*catalogue.RECIPIENT_WORDS.values(), *KIND_WORDS.values()])
