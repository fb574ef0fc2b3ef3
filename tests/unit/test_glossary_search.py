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
