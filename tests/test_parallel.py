"""Work split over processes: the same results, in order, whichever way it runs."""

import pytest

from sitegen.parallel import map_chunks


@pytest.mark.parametrize("jobs", [1, 2])
def test_results_come_back_in_the_items_order_and_every_item_is_counted(jobs):
    counted = []
    items = list(range(1234))
    results = map_chunks(
        lambda shared: shared, lambda base, chunk: [base + x for x in chunk], 10, items, jobs, counted.append
    )
    assert list(results) == [10 + x for x in items]
    assert sum(counted) == len(items)
    assert len(counted) > 1  # counted chunk by chunk, for the progress line


def test_results_can_be_used_before_the_last_chunk_is_done():
    results = map_chunks(lambda shared: shared, lambda base, chunk: [base + x for x in chunk], 0, list(range(2000)), 2)
    assert next(results) == 0
    results.close()  # the workers are stopped; nothing is left running
