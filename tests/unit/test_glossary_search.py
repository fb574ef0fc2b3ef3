"""The glossary search narrows by every word typed, in the term or its meaning."""

from procedures.glossary import GLOSSARY
from ui.glossary_panel import matching_terms


def test_a_search_keeps_only_the_terms_that_contain_every_word():
    assert matching_terms(GLOSSARY, "") == GLOSSARY
    found = matching_terms(GLOSSARY, "cscs")
    assert "CSCS" in found
    assert all("cscs" in f"{t} {m}".lower() for t, m in found.items())
    assert len(found) < len(GLOSSARY)
    both = matching_terms(GLOSSARY, "paying  PARENT nrp")
    assert set(both) <= set(matching_terms(GLOSSARY, "paying parent"))
    assert "Paying parent" in both
    assert matching_terms(GLOSSARY, "no such thing xyzzy") == {}


def test_the_enforcement_terms_of_p3s_priority_cases_are_explained():
    """P3 asks whether a case has a committal order, an order for sale or is sisted: a new caseworker needs the
    words explained where they meet them (QA, eighth session)."""
    for word in ("committal order", "order for sale", "sisted", "charging order"):
        assert matching_terms(GLOSSARY, word), word
