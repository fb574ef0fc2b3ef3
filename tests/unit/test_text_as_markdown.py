"""`ui.text.md`: what anyone typed, put inside markdown, shows as exactly those characters, and no more backslashes
or invisible characters are added than markup needs (a tick box's accessible name is its raw label, and the CMS
lines are copied into CMS).

Read back with markdown-it-py (CommonMark, with GFM's tables and strikethrough): the whole text must come back as
plain text of one paragraph. Streamlit's own extensions (directives, emoji and icon shortcodes, maths) and GFM's
bare-URL autolinks are not in that parser; tests/browser/test_user_text_as_text.py shows the page in Chromium.
"""

from __future__ import annotations

import re

from hypothesis import example, given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from procedures.effects import CmsLine
from ui.cms_panel import SUGGESTION, line_markdown, source_markdown
from ui.text import WORD_JOINER, exact, kept_whole, literal, md

PARSER = MarkdownIt("commonmark").enable(["table", "strikethrough"])
MARKUP = "\\`*_~[]<>&$|#=+-.():!{}@/ "
LINE = st.text(alphabet=st.sampled_from(list(MARKUP) + list("abcXYZ019wé£")), min_size=1, max_size=24)


def _read_back(markdown: str) -> str:
    """The text a CommonMark reader shows for `markdown`, line breaks as newlines; fails on any markup."""
    blocks = PARSER.parse(markdown)
    kinds = [t.type for t in blocks]
    assert kinds in (["paragraph_open", "inline", "paragraph_close"], []), (markdown, kinds)
    shown = []
    for child in blocks[1].children or [] if blocks else []:
        assert child.type in ("text", "softbreak", "hardbreak"), (markdown, child.type)
        shown.append(child.content if child.type == "text" else "\n")
    return "".join(shown)


def _as_shown(raw: str) -> str:
    """What a paragraph shows of `raw`: each line without its leading and trailing blanks."""
    return "\n".join(line.strip(" \t") for line in raw.splitlines())


@given(st.lists(LINE.filter(lambda line: line.strip(" \t")), min_size=1, max_size=4))
@example(["1. first", "# heading", "> quote", "- item", "==="])
@example(["![x](http://127.0.0.1/a.png) [open](javascript:alert(1)) <img src='x'> &amp; $x$ a|b ~~s~~"])
@example(["| a | b |", "|---|---|"])
@example(["10) tenth", "+ plus", "    four spaces"])
def test_typed_text_reads_back_as_exactly_its_characters(lines):
    raw = "\n".join(lines)
    assert _read_back(md(raw)).replace(WORD_JOINER, "") == _as_shown(raw)


def test_plain_sentences_and_sr_lines_get_no_backslash_and_no_joiner():
    for text in (
        "Process = Transition",
        "On the SR you were allocated (1-00000072), set Status = Closed",
        "Add to SR Notes: Case routed to Complaints - Review: 'leave', 50% done; ok?",
    ):
        assert md(text) == text


def test_a_joiner_goes_only_where_a_link_or_shortcode_would_form():
    assert md("csa.vsat.interviews@placeholder.invalid") == f"csa.vsat.interviews@{WORD_JOINER}placeholder.invalid"
    assert md("see http://x.org or www.y.org") == f"see http:{WORD_JOINER}//x.org or www{WORD_JOINER}.y.org"
    assert md(":smile: :material/home:") == f":{WORD_JOINER}smile: :{WORD_JOINER}material/home:"
    assert md("Notes: done @ 10am") == "Notes: done @ 10am"


def test_a_directive_and_a_line_start_are_escaped():
    assert md(":red[alert] and x:y") == r"\:red\[alert\] and x\:y"
    assert md("1. one\n- two") == "1\\. one  \n\\- two"
    assert not re.search(r"(?<!\\)[\[\]<>`*_~$|&]", md("[a](b) <c> `d` *e* _f_ ~g~ $h$ i|j &k;"))


@given(st.text(alphabet=st.sampled_from(list(MARKUP) + list("`abc@<>")), min_size=1, max_size=30))
@example("CSA VSAT INTERVIEWS <csa.vsat.interviews@placeholder.invalid>")
@example("`a``b`")
def test_a_literal_is_one_code_span_of_exactly_its_characters(text):
    text = text.strip(" ")
    if not text:
        return
    children = PARSER.parse(f"To: {literal(text)}")[1].children or []
    assert [c.type for c in children] == ["text", "code_inline"]
    assert children[1].content == text


# Pieces that make links, emoji or icons, and the markup around them, for the CMS lines' `exact`.
PIECES = st.sampled_from([*MARKUP, "a", "Z", "9", "w", "www.", "@", "://", ":material/", ":smile:", "http", "é"])
EXACT_LINE = st.lists(PIECES, min_size=1, max_size=16).map("".join)


def _read_back_exact(markdown: str) -> str:
    """The text of one paragraph of text and code spans (`_read_back` allows no code span)."""
    blocks = PARSER.parse(markdown)
    assert [t.type for t in blocks] in (["paragraph_open", "inline", "paragraph_close"], []), markdown
    shown = []
    for child in blocks[1].children or [] if blocks else []:
        assert child.type in ("text", "code_inline", "softbreak", "hardbreak"), (markdown, child.type)
        shown.append("\n" if child.type.endswith("break") else child.content)
    return "".join(shown)


@given(st.lists(EXACT_LINE.filter(lambda line: line.strip(" \t")), min_size=1, max_size=3))
@example(["Add to SR Notes: Payment confirmed by email to ecm.one@example.org (read receipt requested)."])
@example(["x:material/home: `a@b` 1. www.x.org", "# :smile: https://x.org/a_b*c*"])
def test_a_cms_line_reads_back_as_exactly_its_characters_with_nothing_invisible_added(lines):
    raw = "\n".join(lines)
    shown = exact(raw)
    assert _read_back_exact(shown) == "\n".join(line.strip(" \t") for line in raw.splitlines())
    assert WORD_JOINER not in shown
    assert ":material/" not in shown  # Streamlit rewrites it to ":material_" anywhere in a source, code spans too


def test_a_cms_line_shows_an_address_and_a_url_as_code_and_everything_else_as_md_does():
    line = "Add to SR Notes: Payment confirmed by email to ecm.one@example.org (see https://x.org/a or www.y.org)."
    assert exact(line) == (
        "Add to SR Notes: Payment confirmed by email to `ecm.one@example.org` (see `https://x.org/a` or `www.y.org`)."
    )
    assert exact(":smile: and :material/home:") == "`:smile:` and `:material`\\/`home:`"
    for text in ("Process = Transition", "1. one", ":red[alert] and x:y", "Notes: done @ 10am"):
        assert exact(text) == md(text), text  # no link can form: md's escapes, as they were


def test_the_cms_panel_shows_a_line_and_its_suggestion_exactly():
    typed = CmsLine("Add to SR Notes: Payment confirmed by email to ecm.one@example.org.")
    assert line_markdown(typed) == "Add to SR Notes: Payment confirmed by email to `ecm.one@example.org`."
    guess = CmsLine("Resolution Code: choose the Resolution Code your team uses", suggestion="Completed")
    assert line_markdown(guess, colour=False) == f"{guess.text}  \n{SUGGESTION}: Completed"
    assert WORD_JOINER not in line_markdown(typed) + line_markdown(guess)
    cited = CmsLine(
        "Process = Escalated Enquiries", source="Published procedure \u201cP2\u201d: \u201cProcess = X\u201d"
    )
    assert line_markdown(cited) == f"{cited.text}  \nSource: {cited.source}"


def test_a_seeds_bold_in_a_quoted_source_reads_as_bold_and_nothing_else_becomes_markup():
    """QA: 'update the \\*\\*Status\\*\\* to \\*\\*In Progress\\*\\*' showed the seed's asterisks."""
    quoted = "Published procedure \u201cT\u201d: \u201cupdate the **Status** to **In Progress**\u201d"
    blocks = PARSER.parseInline(source_markdown(quoted))[0].children
    assert [t.type for t in blocks] == [
        "text", "strong_open", "text", "strong_close", "text", "strong_open", "text", "strong_close", "text",
    ]  # fmt: skip
    assert "".join(t.content for t in blocks) == quoted.replace("**", "")
    for hostile in ("a **b", "[link](http://x.invalid) **c**", "<b>x</b>"):  # unpaired, or anything else
        shown = PARSER.parseInline(source_markdown(hostile))[0].children
        assert {t.type for t in shown} <= {"text", "strong_open", "strong_close", "code_inline"}, hostile  # no link


NUMBER = "1-00000072"
WHOLE_OPEN, WHOLE_CLOSE = '<span style="white-space: nowrap">', "</span>"


def test_an_sr_number_in_a_sentence_is_kept_whole_exactly_as_it_is():
    """QA: "1-" over "00000072" at 1366 px. A span that does not wrap, not a character added to the number: it is
    copied into CMS."""
    line = f"**Review date**: 14 December 2026, 09:00 · done · SR {md(NUMBER)}"
    assert kept_whole(line, [NUMBER]) == (
        f"**Review date**: 14 December 2026, 09:00 · done · SR {WHOLE_OPEN}{NUMBER}{WHOLE_CLOSE}"
    )
    assert kept_whole(md(f"SR {NUMBER}1 and SR 21-00000072"), [NUMBER]) == md(f"SR {NUMBER}1 and SR 21-00000072")
    assert kept_whole(md("No SR yet"), [""]) == "No SR yet"


@given(LINE, LINE)
@example("<img src=x onerror=alert(1)>", "</span><script>alert(1)</script>")
@example(f'<span style="white-space: nowrap">{NUMBER}</span>', "&lt;b&gt; \\")
@example("Court ", f" {NUMBER}: ![x](http://127.0.0.1/a.png)")
def test_text_around_a_kept_whole_number_stays_text_even_with_html_allowed(before, after):
    """Drawn with unsafe_allow_html: the only HTML is the span around each SR number; what was typed around it, markup
    and tags included, reads back as exactly its characters."""
    raw = f"{before} SR {NUMBER} {after}"
    tokens = MarkdownIt("commonmark", {"html": True}).parse(kept_whole(md(raw), [NUMBER]))
    inline = [child for t in tokens if t.type == "inline" for child in t.children or []]
    tags = [child.content for child in inline if child.type == "html_inline"]
    assert [t.type for t in tokens] == ["paragraph_open", "inline", "paragraph_close"]
    assert tags[:2] == [WHOLE_OPEN, WHOLE_CLOSE]
    assert tags == [WHOLE_OPEN, WHOLE_CLOSE] * (len(tags) // 2)
    assert all(t.type in ("text", "html_inline") for t in inline)
    read = "".join(t.content for t in inline if t.type == "text").replace(WORD_JOINER, "")
    assert read == _as_shown(raw)


def test_a_tick_box_label_keeps_the_sources_words_without_the_seeds_bold_marks():
    """A tick box's label is its accessible name as written: a screen reader read out "**" (QA, 7 December)."""
    line = CmsLine(
        "Status = In Progress",
        source="Published procedure \u201cP5a\u201d: \u201cupdate the **Status** to **In Progress**\u201d",
    )
    assert line_markdown(line) == f"{line.text}  \nSource: {line.source}"  # shown in the panel: the seed's bold
    ticked = line_markdown(line, colour=False)
    assert "*" not in ticked
    assert ticked.endswith("Source: Published procedure \u201cP5a\u201d: \u201cupdate the Status to In Progress\u201d")
