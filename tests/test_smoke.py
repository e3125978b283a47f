from conftest import build_site, read


def test_fixture_site_builds_in_both_languages(site_root):
    result = build_site(site_root)
    assert result.pages_per_language["vi"] > 5
    assert "Hội nghị thi đua năm 2021" in read(site_root, "tin-tuc/hoi-nghi-thi-dua-nam-2021/index.html")
