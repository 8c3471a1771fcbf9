"""The declaration's figures counted from grouped rows: the median delay and the fewest people."""

from workflows.accountability import fewest_people_counted, median_counted


def test_the_median_delay_is_the_middle_day_or_the_mean_of_the_two_middle_days():
    # 3, 5, 5, 8 business days: the two middle ones are 5 and 5.
    assert median_counted({3: 1, 5: 2, 8: 1}) == 5.0
    # 2, 4, 4, 9, 9, 9: the two middle ones are 4 and 9.
    assert median_counted({9: 3, 2: 1, 4: 2}) == 6.5
    # 7, 7, 7 and one case of 12: the middle ones are 7 and 7.
    assert median_counted({12: 1, 7: 3}) == 7.0
    assert median_counted({4: 1}) == 4.0
    assert median_counted({}) is None


def test_cases_handled_by_at_most_two_people_are_counted_from_how_many_each_number_handled():
    # 5 cases nobody was assigned, 10 by one person, 4 by two, 1 by three: 19 of 20.
    figures = fewest_people_counted({0: 5, 1: 10, 2: 4, 3: 1})
    assert (figures.cases, figures.at_most_two, figures.share) == (20, 19, 95.0)
    assert fewest_people_counted({}).share is None
