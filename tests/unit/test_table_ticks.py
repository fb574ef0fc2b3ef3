"""Ticks in the console's table are read against the rows shown, and a table with other rows starts unticked."""

from __future__ import annotations

from ui.table_ticks import ShownRow, ShownTable, redrawn

A, B, C = ShownRow("1-01", 1, 3), ShownRow("1-02", 2, 1), ShownRow("1-03", 3, 7)


def _ticks(*rows: int) -> dict[str, object]:
    return {"selection": {"rows": list(rows), "columns": [], "cells": []}}


def test_a_tick_names_the_row_as_shown_with_the_version_shown():
    shown = ShownTable("t:0", (A, B, C))
    assert shown.ticked(_ticks(1)) == [B]
    assert shown.ticked(_ticks(2, 0)) == [C, A]
    assert shown.ticked(None) == []
    assert shown.ticked(_ticks(5)) == []  # a position the table never had names nothing


def test_the_same_srs_in_the_same_order_keep_the_key_and_their_ticks():
    shown = ShownTable("t:4", (A, B))
    again = redrawn(shown, [ShownRow("1-01", 1, 4), B], "t")  # a new version of a row: the same SRs in place
    assert again.key == "t:4"


def test_other_rows_another_order_or_a_clear_give_a_new_key():
    shown = ShownTable("t:4", (A, B, C))
    assert redrawn(shown, [B, C], "t").key == "t:5"  # row 1 left: the rest moved up
    assert redrawn(shown, [C, B, A], "t").key == "t:5"
    assert redrawn(shown, [A, B, C], "t", clear=True).key == "t:5"
    assert redrawn(None, [A], "t").key == "t:0"
