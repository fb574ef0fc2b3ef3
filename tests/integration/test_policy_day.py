"""Policy staff's Home (services/policy_day.py): the values waiting for them to confirm, most-used first, and the
steps where caseworkers' answers are refused most, from Insight's own figures for policy staff."""

from __future__ import annotations

import pytest

from services import insight, policy_day, reference
from services.errors import PermissionDenied
from tests.integration.test_insight import TODAY, add_events, make_runs, p1_step


def test_the_values_waiting_are_the_unconfirmed_ones_steps_use_most_used_first(demo_db, actor_for):
    policy = actor_for("policy")
    entries = reference.list_entries(policy)
    unconfirmed = [e for e in entries if e.source == "unconfirmed"]
    used = [e for e in unconfirmed if e.used_at]
    day = policy_day.policy_day(policy)
    assert day.unconfirmed_total == len(unconfirmed)
    assert day.unconfirmed_used == len(used) > policy_day.VALUES_LISTED
    assert len(day.values) == policy_day.VALUES_LISTED
    assert [v.steps for v in day.values] == sorted((v.steps for v in day.values), reverse=True)
    assert day.values[0].steps == max(len(e.used_at) for e in used)
    top = next(e for e in used if (e.kind, e.value) == (day.values[0].kind, day.values[0].suggestion))
    assert day.values[0].where_used == top.where_used  # the steps by their titles, as Reference values says

    reference.confirm(policy, top.key, note="As our CMS shows it")
    after = policy_day.policy_day(policy)
    assert (after.unconfirmed_total, after.unconfirmed_used) == (day.unconfirmed_total - 1, day.unconfirmed_used - 1)
    assert (top.kind, top.value) not in [(v.kind, v.suggestion) for v in after.values]


def test_the_steps_refused_most_come_from_insights_figures_for_policy_staff(demo_db, actor_for):
    policy = actor_for("policy")
    already = {(s.procedure_id, s.step): s.errors or 0 for p in insight.insight(policy, today=TODAY).procedures
               for s in p.steps}  # fmt: skip
    runs = make_runs("caseworker", 8, state="search_legacy") + make_runs("ssst.caseworker", 4)
    add_events(runs, "search_legacy", "view", first=True)
    for _ in range(5):
        add_events(runs, "search_legacy", "error", field="information_found")  # 60 refusals, both teams
    day = policy_day.policy_day(policy, today=TODAY)
    figures = p1_step(insight.insight(policy, today=TODAY), "search_legacy")
    refused = already.get(("P1", "search_legacy"), 0) + 60
    assert day.refused_steps[0] == policy_day.RefusedStep("P1", "Search the legacy systems", figures.reached, refused)
    assert figures.reached is not None
    assert figures.reached >= 12
    assert len(day.refused_steps) <= policy_day.STEPS_LISTED
    assert all(s.refused >= insight.SMALLEST for s in day.refused_steps)  # a count Insight hides is not shown here
    assert day.days == insight.DEFAULT_DAYS


@pytest.mark.parametrize("username", ["caseworker", "teamleader", "admin"])
def test_only_policy_staff_are_told_what_waits_on_policy_staff(demo_db, actor_for, username):
    with pytest.raises(PermissionDenied, match="cannot see what is waiting for policy staff"):
        policy_day.policy_day(actor_for(username))
