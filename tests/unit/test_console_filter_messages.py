"""The console filter's messages name the field they are about, in the words the page labels it with."""

from services.console import AGE_LABELS, ConsoleFilter


def test_an_age_out_of_range_names_its_own_field():
    assert ConsoleFilter(min_age_days=-1).problems() == {
        "min_age_days": '"At least (days old)" must be a whole number of days from 0 to 36500.'
    }
    assert ConsoleFilter(max_age_days=36_501).problems() == {
        "max_age_days": '"At most (days old)" must be a whole number of days from 0 to 36500.'
    }


def test_limits_the_wrong_way_round_name_both_fields():
    message = ConsoleFilter(min_age_days=9, max_age_days=2).problems()["max_age_days"]
    assert AGE_LABELS["min_age_days"] in message
    assert AGE_LABELS["max_age_days"] in message


def test_no_status_chosen_is_no_filter_not_a_problem():
    assert ConsoleFilter(statuses=()).problems() == {}
