"""`ui.table_data.unbroken`: the named columns of an st.table keep their text on one line, the text unchanged."""

from ui.table_data import unbroken

NOWRAP = [("white-space", "nowrap")]


def test_the_sr_column_of_the_finish_pages_letters_table_is_kept_on_one_line_where_it_stands():
    """The letters table has its SR fourth: the rule follows the column, to the cell and what Streamlit puts in it."""
    row = {"Code": "CMEL9180", "Letter": "Notice", "To": "paying parent", "SR": "1-00000072", "Where it stands": "Due"}
    styler = unbroken([row], ["SR"])
    assert [(rule["selector"], rule["props"]) for rule in styler.table_styles] == [
        ("td.col3", NOWRAP),
        ("td.col3 *", NOWRAP),
    ]
    assert styler.data.to_dict("records") == [row]  # no character added: the number is copied into CMS as it is
