"""Property tests on the letter renderer: any text in any text field of any template (XML specials, `{{ }}`
and `{% %}`, control characters, very long strings) either is refused naming that field, or comes out in the
.docx exactly as cleaned: no crash, no broken document, no template code run, nothing after it lost."""

from __future__ import annotations

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from letters import catalogue
from letters.fields import ContextError, FieldError, parse_value
from letters.render import docx_text, render
from tests.unit.test_hostile_input import HOSTILE, NASTY

MARKER = "Zqxmarkerzq"
INJECTIONS = st.sampled_from(
    ["{{ 7*7 }}", "{%p if true %}", "{% for x in range(3) %}x{% endfor %}", "{{ ''.__class__.__mro__ }}",
     "]]></w:t><w:t>", "<w:br/>", "&lt;&amp;", "{{ recipient_name }}", "{#", "#}", "{%tr %}", "{{r x }}"]
)  # fmt: skip
TEXT = st.one_of(
    HOSTILE,
    st.lists(st.one_of(INJECTIONS, NASTY, st.text(max_size=6)), min_size=1, max_size=20).map("".join),
)
# (template, scenario, text field) where the field's value shows in that scenario's letter.
CASES = [
    (code, s.key, f)
    for code, spec in catalogue.TEMPLATES.items()
    for s in spec.all_scenarios()[:1]
    for f in spec.fields
    if f.kind in ("text", "multiline")
]


def _text(code: str, key: str, **changes: object) -> str:
    spec = catalogue.get(code)
    return docx_text(render(spec, {**spec.values_for(key), **changes}).content)


def _words(text: str) -> str:
    return " ".join(text.split())


MARKED = {(code, key, f.name): _words(_text(code, key, **{f.name: MARKER})) for code, key, f in CASES}
SHOWN = [(code, key, f) for code, key, f in CASES if MARKER in MARKED[code, key, f.name]]


def test_every_template_has_text_fields_to_fuzz():
    assert {code for code, _, _ in SHOWN} == {
        code for code, spec in catalogue.TEMPLATES.items() if any(f.kind in ("text", "multiline") for f in spec.fields)
    }


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=st.sampled_from(SHOWN), raw=TEXT)
@example(case=SHOWN[0], raw="{{ 7*7 }} {% if true %}x{% endif %} <b>&amp;</b> \x00\x1b tail")
@example(case=SHOWN[0], raw="A" * 5000)
@example(case=SHOWN[0], raw="{_{ x }_} {_% y %_}")  # docxtpl's own brace escapes, as typed
def test_any_text_in_any_letter_field_is_printed_exactly_as_cleaned_or_refused_at_that_field(case, raw):
    code, key, f = case
    expected, refusal = _caught(lambda: parse_value(f, raw), FieldError)
    text, refused = _caught(lambda: _words(_text(code, key, **{f.name: raw})), ContextError)
    if refusal is not None:
        assert refused is not None, "the renderer accepted a value the field refuses"
        assert refused.problems == {f.name: refusal.message}
        return
    if refused is not None:
        assert not expected.strip(), "only a blank required field is refused"
        assert set(refused.problems) == {f.name}
        return
    # `text` came from a real .docx opened again: the XML stayed well formed.
    if expected.strip():
        assert _words(expected) in text, "the value is printed as typed: nothing run, nothing lost"
        after = MARKED[code, key, f.name].rsplit(MARKER, 1)[1]
        assert text.endswith(after), "everything after the value is still in the letter"


def _caught(call, error):
    try:
        return call(), None
    except error as exc:
        return None, exc
