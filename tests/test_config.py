import pytest
import yaml
from conftest import set_config

from sitegen.config import load_config
from sitegen.errors import BuildError


def errors_of(root, **kwargs):
    with pytest.raises(BuildError) as caught:
        load_config(root, **kwargs)
    return caught.value.errors


def test_settings_are_typed_and_complete(site_root):
    config = load_config(site_root)
    assert config.default_language == "vi"
    assert config.language_codes == ("vi", "en")
    assert config.language("en").prefix == "en/"
    assert config.language("vi").sections["news"] == "tin-tuc"
    assert config.base_path == "/"


def test_base_url_on_the_command_line_sets_the_base_path(site_root):
    config = load_config(site_root, base_url="https://example.org/khoi-thi-dua")
    assert config.base_url == "https://example.org/khoi-thi-dua/"
    assert config.base_path == "/khoi-thi-dua/"


def test_unknown_key_is_an_error_with_the_closest_key_as_hint(site_root):
    set_config(site_root, per_pgae=5)
    [error] = errors_of(site_root)
    assert error.file == "site.yaml"
    assert "unknown key 'per_pgae'" in error.message
    assert "did you mean 'per_page'?" in error.hint
    assert error.line is not None


def test_wrong_type_names_the_key_and_its_line(site_root):
    text = (site_root / "site.yaml").read_text(encoding="utf-8")
    (site_root / "site.yaml").write_text(text.replace("per_page: 10", "per_page: mười"), encoding="utf-8")
    [error] = errors_of(site_root)
    assert "'per_page' in site.yaml should be a whole number" in error.message
    line = text.splitlines().index("per_page: 10") + 1
    assert error.line == line


def test_a_string_missing_in_one_language_is_reported(site_root):
    languages = yaml.safe_load((site_root / "site.yaml").read_text(encoding="utf-8"))["languages"]
    del languages["en"]["strings"]["read_more"]
    set_config(site_root, languages=languages)
    [error] = errors_of(site_root)
    assert "UI string 'read_more' is missing in 'en'" in error.message


def test_a_relative_base_url_is_refused_with_an_example(site_root):
    [error] = errors_of(site_root, base_url="/khoi-thi-dua/")
    assert "base_url must be a full address" in error.message
    assert "https://example.org/khoi-thi-dua/" in error.hint


def test_invalid_yaml_names_the_line(site_root):
    path = site_root / "site.yaml"
    path.write_text("base_url: https://example.org/\nlanguages: [\n", encoding="utf-8")
    [error] = errors_of(site_root)
    assert "not valid YAML" in error.message
    assert error.line == 3


def test_several_problems_are_reported_together(site_root):
    set_config(site_root, per_pgae=5, home_post=3)
    messages = [error.message for error in errors_of(site_root)]
    assert messages == ["unknown key 'per_pgae' in site.yaml", "unknown key 'home_post' in site.yaml"]


def test_an_unknown_time_zone_is_refused(site_root):
    set_config(site_root, timezone="Asia/Hanoi_City")
    [error] = errors_of(site_root)
    assert "unknown time zone 'Asia/Hanoi_City'" in error.message
    assert error.hint == "use Asia/Ho_Chi_Minh"
