import unicodedata
from datetime import UTC, datetime

import pytest
from conftest import build_site, edit, read, write

from sitegen.config import load_config
from sitegen.content import MadeDocuments, load_documents
from sitegen.errors import BuildError
from sitegen.fields import read_markdown

POST = "content/news/hoi-nghi.vi.md"
OLD_OUTPUT = "tin-tuc/hoi-nghi-thi-dua-nam-2021/index.html"


def documents(root):
    docs, errors = load_documents(load_config(root))
    assert errors == []
    return {(d.stem, d.lang): d for d in docs}


def failed_build_keeps_old_output(root):
    """Build once, break nothing yet; returns a checker that the later failure left the output alone."""
    build_site(root)
    before = read(root, OLD_OUTPUT)

    def errors_after_failure():
        with pytest.raises(BuildError) as caught:
            build_site(root)
        assert read(root, OLD_OUTPUT) == before
        return caught.value.errors

    return errors_after_failure


def test_a_notepad_file_with_bom_and_crlf_is_read_like_any_other(site_root):
    write(
        site_root,
        "content/news/notepad.vi.md",
        "\ufeff---\ntitle: Bài từ Notepad\ndate: 2021-04-01\n---\nNội dung.\n",
        newline="\r\n",
    )
    doc = documents(site_root)[("notepad", "vi")]
    assert doc.title == "Bài từ Notepad"
    assert doc.body == "Nội dung.\n"
    assert "---" not in doc.body and "\ufeff" not in doc.body


def test_decomposed_vietnamese_is_stored_in_nfc(site_root):
    text = unicodedata.normalize("NFD", "---\ntitle: Đồng chí phát biểu\ndate: 2021-04-01\n---\nThi đua khen thưởng.\n")
    write(site_root, "content/news/nfd.vi.md", text)
    doc = documents(site_root)[("nfd", "vi")]
    assert doc.title == "Đồng chí phát biểu"
    assert unicodedata.is_normalized("NFC", doc.body)
    assert doc.slug == "dong-chi-phat-bieu"


def test_a_notepad_unicode_file_in_utf16_is_read_too(site_root):
    write(
        site_root, "content/news/word.vi.md", "---\ntitle: Bài Unicode\ndate: 2021-04-01\n---\nx\n", encoding="utf-16"
    )
    assert documents(site_root)[("word", "vi")].title == "Bài Unicode"


def test_a_file_in_a_legacy_code_page_is_refused_with_its_line_and_advice(site_root):
    write(
        site_root, "content/news/cp.vi.md", "---\ntitle: Bai\ndate: 2021-04-01\n---\nH\u00f4m nay\n", encoding="cp1258"
    )
    _, errors = load_documents(load_config(site_root))
    [error] = errors
    assert (error.file, error.line) == ("content/news/cp.vi.md", 5)
    assert error.message == "the file is not saved as UTF-8"
    assert "Encoding: UTF-8" in error.hint


def test_time_without_offset_is_vietnam_time(site_root):
    doc = documents(site_root)[("hoi-nghi", "vi")]
    assert doc.date.astimezone(UTC) == datetime(2021, 3, 11, 1, 36, tzinfo=UTC)


def test_translation_inherits_date_tags_and_cover_but_keeps_its_own_text(site_root):
    docs = documents(site_root)
    vi, en = docs[("hoi-nghi", "vi")], docs[("hoi-nghi", "en")]
    assert en.date == vi.date
    assert en.tags == vi.tags
    assert en.author == vi.author
    assert en.cover.src == vi.cover.src
    assert en.cover.alt == "Overview of the conference"
    assert en.title == "Emulation conference 2021"
    assert en.slug == "emulation-conference-2021"


def test_unknown_front_matter_key_names_file_line_and_closest_key(site_root):
    errors_after_failure = failed_build_keeps_old_output(site_root)
    write(site_root, POST, read_source(site_root).replace("summary:", "sumary:"))
    [error] = errors_after_failure()
    assert error.file == POST
    assert error.line == 4
    assert error.message == "unknown front-matter key 'sumary'"
    assert error.hint == "did you mean 'summary'?"


def test_wrong_type_names_file_and_line(site_root):
    errors_after_failure = failed_build_keeps_old_output(site_root)
    write(site_root, POST, read_source(site_root).replace("draft", "x").replace("author: Ban Biên tập", "draft: có"))
    [error] = errors_after_failure()
    assert (error.file, error.line) == (POST, 5)
    assert "'draft' should be true or false" in error.message


def test_bad_date_names_file_and_line_and_shows_the_format(site_root):
    errors_after_failure = failed_build_keeps_old_output(site_root)
    write(site_root, POST, read_source(site_root).replace("2021-03-11 08:36", "2021-02-30"))
    [error] = errors_after_failure()
    assert (error.file, error.line) == (POST, 3)
    assert "'date' is not a valid date: '2021-02-30'" in error.message
    assert "2021-03-11 08:36" in error.hint


def test_unknown_language_suffix_is_an_error(site_root):
    errors_after_failure = failed_build_keeps_old_output(site_root)
    write(site_root, "content/news/hoi-nghi.fr.md", "---\ntitle: Conférence\n---\n")
    [error] = errors_after_failure()
    assert error.file == "content/news/hoi-nghi.fr.md"
    assert error.message == "unknown language 'fr' in the file name"
    assert error.hint == "use one of: vi, en"


def test_a_file_without_language_suffix_is_an_error(site_root):
    errors_after_failure = failed_build_keeps_old_output(site_root)
    write(site_root, "content/news/bai-moi.md", "---\ntitle: Bài mới\ndate: 2021-01-01\n---\n")
    [error] = errors_after_failure()
    assert error.file == "content/news/bai-moi.md"
    assert "rename it to bai-moi.vi.md" in error.hint


def test_two_pages_claiming_one_url_are_both_named(site_root):
    errors_after_failure = failed_build_keeps_old_output(site_root)
    write(site_root, "content/news/trung-lap.vi.md", "---\ndate: 2021-01-01\ntitle: Hội nghị thi đua năm 2021\n---\n")
    errors = errors_after_failure()
    assert {(e.file, e.line) for e in errors} == {(POST, 2), ("content/news/trung-lap.vi.md", 3)}
    assert all("two pages claim the address /tin-tuc/hoi-nghi-thi-dua-nam-2021/" in e.message for e in errors)
    assert all("slug" in e.hint for e in errors)


def test_a_file_without_front_matter_says_how_to_start_one(site_root):
    errors_after_failure = failed_build_keeps_old_output(site_root)
    write(site_root, "content/news/quen.vi.md", "title: Quên dấu gạch\n\nNội dung\n")
    [error] = errors_after_failure()
    assert (error.file, error.line) == ("content/news/quen.vi.md", 1)
    assert error.message == "couldn't find the front matter"
    assert "'---'" in error.hint


def test_invalid_yaml_in_front_matter_names_the_line(site_root):
    errors_after_failure = failed_build_keeps_old_output(site_root)
    write(site_root, "content/news/yaml.vi.md", '---\ntitle: "Hội nghị\ndate: 2021-01-01\n---\n')
    [error] = errors_after_failure()
    assert error.file == "content/news/yaml.vi.md"
    assert "not valid YAML" in error.message
    assert error.line in (2, 3, 4)


def test_invalid_slug_gets_a_suggestion(site_root):
    write(site_root, POST, read_source(site_root).replace("summary:", "slug: Hội Nghị\nsummary:"))
    _, errors = load_documents(load_config(site_root))
    [error] = errors
    assert error.message == "'Hội Nghị' is not a valid slug"
    assert error.hint == "use 'hoi-nghi'"


def test_all_errors_of_all_files_are_reported_at_once(site_root):
    write(site_root, "content/news/a.vi.md", "---\ntitle: A\ndate: hôm qua\n---\n")
    write(site_root, "content/news/b.vi.md", "---\ntitle: B\ndate: 2021-01-01\ncolor: red\n---\n")
    write(site_root, "content/pages/c.de.md", "---\ntitle: C\n---\n")
    with pytest.raises(BuildError) as caught:
        build_site(site_root)
    assert {e.file for e in caught.value.errors} == {
        "content/news/a.vi.md",
        "content/news/b.vi.md",
        "content/pages/c.de.md",
    }
    assert str(caught.value).startswith("3 errors:")


def test_word_lock_files_are_ignored(site_root):
    write(site_root, "content/news/~$hoi-nghi.vi.md", "binary junk")
    assert ("~$hoi-nghi", "vi") not in documents(site_root)


def read_source(root):
    return (root / POST).read_text(encoding="utf-8")


def test_front_matter_kept_in_the_cache_keeps_its_lines_and_shares_its_keys_across_files():
    import pickle

    from sitegen.yamlfile import LineMap, parse_yaml

    first = parse_yaml("title: Một\ncover:\n  src: a.jpg\ntitle: Hai\n", "a.md", first_line=2).data
    second = parse_yaml("title: Ba\n", "b.md").data
    first, second = pickle.loads(pickle.dumps([first, second]))  # as the cache and the workers pass them
    assert first == {"title": "Hai", "cover": {"src": "a.jpg"}} and isinstance(first["cover"], LineMap)
    assert (first.line, dict(first.lines), list(first.duplicates)) == (2, {"title": 5, "cover": 3}, [("title", 5)])
    assert first["cover"].line_of("src") == 4
    [title] = [key for key in first if key == "title"]
    [same] = list(second)
    assert title is same  # one copy of each key, however many posts
    assert not hasattr(first, "__dict__")  # and no attribute dictionary per mapping


def test_a_document_keeps_its_vietnamese_body_compressed_and_gives_it_back_as_written(project_copy):
    import sys

    documents, _ = load_documents(load_config(project_copy))
    vietnamese = [doc for doc in documents if doc.lang == "vi" and len(doc.body) > 1000 and not doc.body.isascii()]
    assert vietnamese
    for doc in vietnamese:  # a str of Vietnamese text takes two bytes a letter; compressed UTF-8, less than one
        assert sys.getsizeof(doc.packed_body.packed) < 0.4 * sys.getsizeof(doc.body)
        assert doc.body == read_markdown(project_copy / doc.file, doc.file, []).body
        assert unicodedata.is_normalized("NFC", doc.body)


def test_serve_keeps_the_documents_of_files_read_the_same_and_makes_again_those_whose_file_original_or_settings_changed(
    site_root,
):
    cache, made = {}, MadeDocuments()

    def load():  # as each of serve's full rebuilds does: the settings read again, the files through the cache
        docs, errors = load_documents(load_config(site_root), 1, cache, made=made)
        return {(d.stem, d.lang): d for d in docs}, errors

    first, _ = load()
    again, errors = load()
    assert errors == [] and all(again[key] is first[key] for key in first)

    # The Vietnamese original dated anew: the English translation inherits the date, so it is made again too.
    edit(site_root, "content/news/hoi-nghi.vi.md", "date: 2021-03-11 08:36", "date: 2021-03-12 08:36")
    dated, _ = load()
    assert dated[("hoi-nghi", "vi")].date.day == 12 and dated[("hoi-nghi", "en")].date.day == 12
    assert dated[("nam-truoc", "vi")] is first[("nam-truoc", "vi")]

    # A file with an error, kept as it is, is reported by every load, not only by the one that read it.
    edit(site_root, "content/news/nam-truoc.vi.md", "title:", "tilte:")
    assert {e.file for e in load()[1]} == {"content/news/nam-truoc.vi.md"}
    assert {e.file for e in load()[1]} == {"content/news/nam-truoc.vi.md"}
    edit(site_root, "content/news/nam-truoc.vi.md", "tilte:", "title:")

    # New settings may change any document (here, the time zone of dates written without one).
    before, _ = load()
    edit(site_root, "site.yaml", "timezone: Asia/Ho_Chi_Minh", "timezone: UTC")
    after, errors = load()
    assert errors == [] and after[("hoi-nghi", "vi")].date.utcoffset().total_seconds() == 0
    assert not any(after[key] is before[key] for key in before)
