"""Serve's page memo: after an edit, only the pages whose inputs changed are rendered again."""

from conftest import NOW

from sitegen.model import BuildOptions
from sitegen.pipeline import Caches, render_site

POST = "tin-tuc/hoi-nghi-thi-dua-nam-2021/index.html"
ABOUT = "gioi-thieu/index.html"
NEWS = "tin-tuc/index.html"


def render(root, memo):
    return render_site(root, BuildOptions(now=NOW), caches=Caches(None, None, memo)).files


def mark_as_kept(memo, *paths):
    # A page that is not rendered again keeps these bytes, so the next result shows what was reused.
    for path in paths:
        key = path.removesuffix("index.html")
        memo[key] = (memo[key][0], b"kept")


def test_an_edit_to_one_post_renders_that_post_again_but_not_unrelated_pages(site_root):
    memo = {}
    render(site_root, memo)
    mark_as_kept(memo, POST, ABOUT)
    post = site_root / "content/news/hoi-nghi.vi.md"
    post.write_text(post.read_text(encoding="utf-8").replace("Đoạn mở đầu", "Đoạn mở đầu đã sửa"), encoding="utf-8")
    files = render(site_root, memo)
    assert "Đoạn mở đầu đã sửa" in files[POST].decode()
    assert files[ABOUT] == b"kept"


def test_a_new_title_reaches_the_lists_that_show_the_post(site_root):
    memo = {}
    render(site_root, memo)
    mark_as_kept(memo, NEWS, ABOUT)
    post = site_root / "content/news/hoi-nghi.vi.md"
    text = post.read_text(encoding="utf-8").replace('title: "Hội nghị thi đua năm 2021"', 'title: "Hội nghị mới"')
    post.write_text(text.replace("summary:", "slug: hoi-nghi-thi-dua-nam-2021\nsummary:"), encoding="utf-8")
    files = render(site_root, memo)
    assert "Hội nghị mới" in files[NEWS].decode()
    assert files[ABOUT] == b"kept"


def test_a_template_change_renders_every_page_again(site_root):
    memo = {}
    render(site_root, memo)
    mark_as_kept(memo, ABOUT)
    base = site_root / "layouts/base.html"
    base.write_text(base.read_text(encoding="utf-8").replace("</body>", "<!-- đổi -->\n</body>"), encoding="utf-8")
    files = render(site_root, memo)
    assert "<!-- đổi -->" in files[ABOUT].decode()


def test_pages_rendered_with_a_memo_match_a_fresh_render(site_root):
    memo = {}
    render(site_root, memo)
    post = site_root / "content/news/chi-tieng-viet.vi.md"
    post.write_text(post.read_text(encoding="utf-8") + "\nThêm một câu.\n", encoding="utf-8")
    assert render(site_root, memo) == render(site_root, None)


def test_the_source_cache_reads_only_changed_files_and_notices_removed_ones(site_root):
    from sitegen.config import load_config
    from sitegen.content import load_documents

    config = load_config(site_root)
    cache = {}
    first, _ = load_documents(config, cache=cache)
    about = site_root / "content/pages/gioi-thieu.vi.md"
    cache[about] = (cache[about][0], (None, []))  # as if unreadable: a re-read would bring it back
    post = site_root / "content/news/nam-truoc.vi.md"
    post.write_text(post.read_text(encoding="utf-8").replace("Tổng kết.", "Tổng kết năm."), encoding="utf-8")
    (site_root / "content/news/chi-tieng-viet.vi.md").unlink()
    second, _ = load_documents(config, cache=cache)
    bodies = {(d.stem, d.lang): d.body for d in second}
    assert bodies[("nam-truoc", "vi")] == "Tổng kết năm.\n"
    assert ("chi-tieng-viet", "vi") not in bodies
    assert ("gioi-thieu", "vi") not in bodies  # unchanged on disk, so taken from the cache
    assert len(second) == len(first) - 2
