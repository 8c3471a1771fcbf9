"""The declaration's figures counted from grouped rows: the median delay and the fewest people."""

from workflows.accountability import few_enough, median_counted


def test_the_median_delay_is_the_middle_day_or_the_mean_of_the_two_middle_days():
    # 3, 5, 5, 8 business days: the two middle ones are 5 and 5.
    assert median_counted({3: 1, 5: 2, 8: 1}) == 5.0
    # 2, 4, 4, 9, 9, 9: the two middle ones are 4 and 9.
    assert median_counted({9: 3, 2: 1, 4: 2}) == 6.5
    # 7, 7, 7 and one case of 12: the middle ones are 7 and 7.
    assert median_counted({12: 1, 7: 3}) == 7.0
    assert median_counted({4: 1}) == 4.0
    assert median_counted({}) is None


def test_a_case_handled_by_at_most_two_people_counts_as_handled_by_the_fewest():
    # Nobody ever assigned (0), one person, two (a transfer), three (two transfers).
    assert [few_enough(people) for people in (0, 1, 2, 3)] == [True, True, True, False]
