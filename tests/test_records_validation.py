"""Every rule the records must keep: a failing fixture each, with the file, line and words of the error."""

import pytest
from conftest import build_site, write
from records_support import add_records, build_errors, edit, find_error, line_of

Y2023 = "content/results/2023.yaml"
Y2024 = "content/results/2024.yaml"
UNITS = "content/units.yaml"
PLEDGE = "content/pledges/2024.vi.md"


@pytest.fixture
def root(site_root):
    return add_records(site_root)


def test_the_fixture_records_build_without_errors(root):
    assert build_site(root).pages_per_language["vi"] > 10


def test_unknown_unit_in_the_scores_names_the_line_and_the_closest_id(root):
    edit(root, Y2024, "  - unit: am-nhac", "  - unit: am-nhak")
    error = find_error(build_errors(root), Y2024, "unknown unit 'am-nhak' in the scores")
    assert error.line == line_of(root, Y2024, "- unit: am-nhak")
    assert error.hint == "did you mean 'am-nhac'?"


def test_unknown_unit_among_the_pledge_signatories(root):
    edit(root, PLEDGE, "  - unit: dan-ca", "  - unit: dan-caa")
    error = find_error(build_errors(root), PLEDGE, "unknown unit 'dan-caa' in the signatories")
    assert error.line == line_of(root, PLEDGE, "- unit: dan-caa")
    assert "dan-ca" in error.hint


def test_unknown_head_unit_of_a_pledge(root):
    edit(root, PLEDGE, "head: an-toan", "head: an-toa")
    error = find_error(build_errors(root), PLEDGE, "unknown unit 'an-toa' in 'head'")
    assert error.line == line_of(root, PLEDGE, "head: an-toa")


def test_unknown_unit_in_a_posts_front_matter_names_the_post_and_line(root):
    post = "content/news/don-vi.vi.md"
    write(root, post, "---\ntitle: Tin đơn vị\ndate: 2024-05-01 08:00\nunits: [an-toan, am-nhacc]\n---\nNội dung.\n")
    error = find_error(build_errors(root), post, "unknown unit 'am-nhacc' in 'units:'")
    assert error.line == 4
    assert error.hint == "did you mean 'am-nhac'?"


def test_a_unit_scored_in_a_year_it_was_not_a_member(root):
    edit(root, Y2024, "awards:\n", "  - unit: dan-bau\n    points: {c1: 1, c2: 1, c3: 1}\nawards:\n")
    error = find_error(build_errors(root), Y2024, "unit 'dan-bau' is scored in 2024 but was not a member that year")
    assert error.line == line_of(root, Y2024, "- unit: dan-bau")


def test_a_signatory_that_was_not_a_member_that_year(root):
    edit(root, PLEDGE, "  - unit: dan-ca\n", "  - unit: dan-ca\n  - unit: dan-bau\n")
    error = find_error(build_errors(root), PLEDGE, "unit 'dan-bau' signs the 2024 pledge but was not a member")
    assert error.line == line_of(root, PLEDGE, "- unit: dan-bau")


@pytest.mark.parametrize("points", ["4.5", "-1"])
def test_points_outside_zero_to_the_criterion_maximum(root, points):
    edit(root, Y2024, "points: {c1: 6, c2: 3, c3: 9}", f"points: {{c1: 6, c2: {points}, c3: 9}}")
    error = find_error(build_errors(root), Y2024, f"unit 'am-nhac' has {points} points for 'c2', outside 0 to 4")
    assert error.line == line_of(root, Y2024, f"c2: {points}")


def test_a_criterion_missing_for_a_unit(root):
    edit(root, Y2024, "points: {c1: 6, c2: 3, c3: 9}", "points: {c1: 6, c2: 3}")
    error = find_error(build_errors(root), Y2024, "criterion 'c3' is missing for unit 'am-nhac'")
    assert error.line == line_of(root, Y2024, "points: {c1: 6, c2: 3}")


def test_a_criterion_not_in_the_table(root):
    edit(root, Y2024, "points: {c1: 6, c2: 3, c3: 9}", "points: {c1: 6, c2: 3, c3: 9, c4: 1}")
    error = find_error(build_errors(root), Y2024, "criterion 'c4' of unit 'am-nhac' is not in the criteria table")
    assert error.line == line_of(root, Y2024, "c4: 1")


def test_group_maximums_that_do_not_add_up_to_the_stated_total(root):
    edit(root, Y2024, "max_points: 20", "max_points: 25")
    error = find_error(build_errors(root), Y2024, "the group maximums add up to 20, not to max_points 25")
    assert error.line == line_of(root, Y2024, "max_points: 25")


def test_criteria_that_do_not_add_up_to_their_group_maximum(root):
    edit(root, Y2024, "        max: 4\n", "        max: 3\n")
    errors = build_errors(root)
    error = find_error(errors, Y2024, "the criteria of group 'g1' add up to 9, not to its max 10")
    assert error.line == line_of(root, Y2024, "    max: 10")


def test_bonus_beyond_the_cap_of_its_item(root):
    edit(
        root,
        Y2024,
        "      - item: b2\n        points: 1\n    votes: 1",
        "      - item: b2\n        points: 1.5\n    votes: 1",
    )
    error = find_error(build_errors(root), Y2024, "unit 'an-toan' gets 1.5 bonus points for 'b2', beyond its cap of 1")
    assert error.line == line_of(root, Y2024, "points: 1.5")


def test_deductions_beyond_the_cap_of_their_item(root):
    edit(root, Y2024, "      - item: d1\n        points: 2", "      - item: d1\n        points: 3")
    error = find_error(
        build_errors(root), Y2024, "unit 'dan-ca' gets 3 deductions points for 'd1', beyond its cap of 2"
    )
    assert error.line == line_of(root, Y2024, "points: 3")


def test_an_award_for_a_unit_not_in_that_years_results(root):
    edit(root, Y2024, "awards:\n", "awards:\n  - unit: dan-bau\n    award: bang-khen\n    status: proposed\n")
    error = find_error(build_errors(root), Y2024, "award for unit 'dan-bau', which is not in this year's results")
    assert error.line == line_of(root, Y2024, "- unit: dan-bau")


def test_a_final_year_with_an_award_still_proposed(root):
    edit(root, Y2023, "    status: conferred", "    status: proposed")
    error = find_error(
        build_errors(root), Y2023, "the year is final but the award 'bang-khen' for 'an-toan' is still 'proposed'"
    )
    assert error.line == line_of(root, Y2023, "status: proposed")


def test_a_conferred_award_needs_its_deciding_document(root):
    edit(
        root,
        Y2023,
        "    decision: {number: 12/QĐ-UBND, date: 2024-01-15, issuer: {vi: UBND tỉnh, en: Provincial People's Committee}}\n",
        "",
    )
    error = find_error(build_errors(root), Y2023, "a conferred award needs its deciding document")
    assert error.line == line_of(root, Y2023, "status: conferred")


def test_duplicate_unit_ids(root):
    edit(root, UNITS, "  - id: dan-ca\n", "  - id: am-nhac\n")
    error = find_error(build_errors(root), UNITS, "duplicate unit id 'am-nhac'")
    assert error.line == line_of(root, UNITS, "- id: am-nhac", occurrence=2)


def test_a_unit_scored_twice_in_one_year(root):
    edit(root, Y2024, "  - unit: dan-ca\n", "  - unit: am-nhac\n")
    error = find_error(build_errors(root), Y2024, "duplicate score for unit 'am-nhac'")
    assert error.line == line_of(root, Y2024, "- unit: am-nhac", occurrence=2)


def test_duplicate_criterion_ids(root):
    edit(root, Y2024, "      - id: c3\n", "      - id: c1\n")
    error = find_error(build_errors(root), Y2024, "duplicate criterion or group id 'c1'")
    assert error.line == line_of(root, Y2024, "- id: c1", occurrence=2)


def test_an_unknown_tie_break_step_suggests_the_closest(root):
    edit(root, Y2024, "tie_break: [votes]", "tie_break: [vote]")
    error = find_error(build_errors(root), Y2024, "unknown tie-break 'vote'")
    assert error.line == line_of(root, Y2024, "tie_break:")
    assert "did you mean 'votes'?" in error.hint


def test_a_misspelt_key_is_refused_with_the_closest_valid_key(root):
    edit(root, Y2024, "tie_break:", "tiebreak:")
    error = find_error(build_errors(root), Y2024, "unknown key 'tiebreak'")
    assert error.hint == "did you mean 'tie_break'?"


def test_decimal_commas_in_points_are_explained(root):
    edit(root, Y2024, "c1: 5.5", 'c1: "5,5"')
    error = find_error(build_errors(root), Y2024, "points for 'c1' should be a number")
    assert "with a point" in error.hint


def test_every_problem_of_every_records_file_is_reported_at_once(root):
    edit(root, Y2024, "max_points: 20", "max_points: 25")
    edit(root, Y2023, "  - unit: dan-ca", "  - unit: dan-c")
    edit(root, PLEDGE, "head: an-toan", "head: an-toa")
    write(root, "content/news/don-vi.vi.md", "---\ntitle: Tin\ndate: 2024-05-01 08:00\nunits: [xx]\n---\nNội dung.\n")
    files = {error.file for error in build_errors(root)}
    assert {Y2024, Y2023, PLEDGE, "content/news/don-vi.vi.md"} <= files


def test_a_failed_records_check_leaves_the_previous_output_untouched(root):
    build_site(root)
    before = (root / "public" / "ket-qua" / "2024" / "index.html").read_bytes()
    edit(root, Y2024, "max_points: 20", "max_points: 25")
    build_errors(root)
    assert (root / "public" / "ket-qua" / "2024" / "index.html").read_bytes() == before


def test_a_pledge_saved_in_a_legacy_code_page_is_an_error_not_a_crash(site_root):
    add_records(site_root)
    path = site_root / "content/pledges/2024.vi.md"
    path.write_bytes(path.read_text(encoding="utf-8").encode("cp1258", errors="replace"))
    [error] = [e for e in build_errors(site_root) if e.file == "content/pledges/2024.vi.md"]
    assert error.message == "the file is not saved as UTF-8"
    assert error.line == 3
