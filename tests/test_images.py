"""Photos are resized at build time: srcset, width/height and lazy loading; originals kept; encoding cached."""

import re

from conftest import Seen, build_site, read, write
from PIL import Image

from sitegen.images import picture

POST = "tin-tuc/hoi-nghi-thi-dua-nam-2021/index.html"


def make_photo(root, path, size, color=(200, 30, 30), exif=None):
    target = root / "content" / path
    target.parent.mkdir(parents=True, exist_ok=True)
    image = Image.new("RGB", size, color)
    if exif:
        image.save(target, exif=exif)
    else:
        image.save(target)
    return target


def post_with_photo(root, src, cover=None):
    cover_lines = f'cover:\n  src: {cover}\n  alt: "Ảnh bìa"\n  caption: "Ảnh: bìa"\n' if cover else ""
    write(
        root,
        "content/news/anh-lon.vi.md",
        f'---\ntitle: "Bài có ảnh lớn"\ndate: 2021-07-01 08:00\n{cover_lines}---\n\n'
        f'Mở đầu.\n\n![Các đại biểu chụp ảnh lưu niệm]({src} "Ảnh: Đại biểu")\n',
    )


def img_tags(html):
    return re.findall(r"<img [^>]*>", html)


def test_a_large_body_photo_gets_smaller_copies_in_srcset_with_its_size_and_lazy_loading(site_root):
    make_photo(site_root, "images/2021/lon.jpg", (2000, 1000))
    post_with_photo(site_root, "../images/2021/lon.jpg")
    build_site(site_root)
    [img] = [tag for tag in img_tags(read(site_root, "tin-tuc/bai-co-anh-lon/index.html")) if "lon" in tag]
    assert 'width="2000"' in img and 'height="1000"' in img
    assert 'loading="lazy"' in img
    assert (
        'srcset="/images/2021/lon-480w.jpg 480w, /images/2021/lon-960w.jpg 960w, '
        '/images/2021/lon-1600w.jpg 1600w, /images/2021/lon.jpg 2000w"' in img
    )
    assert 'sizes="' in img


def test_resized_copies_are_written_with_their_widths_and_the_original_is_kept(site_root):
    original = make_photo(site_root, "images/2021/lon.jpg", (2000, 1000))
    post_with_photo(site_root, "../images/2021/lon.jpg")
    build_site(site_root)
    public = site_root / "public" / "images" / "2021"
    assert (public / "lon.jpg").read_bytes() == original.read_bytes()
    for width in (480, 960, 1600):
        with Image.open(public / f"lon-{width}w.jpg") as copy:
            assert copy.size == (width, width // 2)
    manifest = (site_root / "public" / ".sitegen-manifest").read_text(encoding="utf-8").splitlines()
    assert "images/2021/lon-480w.jpg" in manifest


def test_a_build_takes_each_photos_digest_from_the_input_files_and_names_its_copies_as_the_preview_does(
    site_root, monkeypatch
):
    import hashlib

    from sitegen import images
    from sitegen.buildstate import input_files
    from sitegen.config import load_config

    original = make_photo(site_root, "images/2021/lon.jpg", (2000, 1000))
    post_with_photo(site_root, "../images/2021/lon.jpg")
    read, digest = Seen(), images._digest
    monkeypatch.setattr(images, "_digest", lambda path, *stamp: read.append(path) or digest(path, *stamp))
    build_site(site_root)
    assert read == []  # the build had read the photo once already, for the input files' digests
    named = {path.name for path in (site_root / images.CACHE).iterdir()}
    prefix = hashlib.sha256(original.read_bytes()).hexdigest()[:20]
    assert named == {f"{prefix}-{width}.jpg" for width in (480, 960, 1600)}
    # serve knows no input files: it reads the photo, and finds the same copies
    known = images.resized_copies(site_root, ["images/2021/lon.jpg"], input_files(load_config(site_root)))
    assert images.resized_copies(site_root, ["images/2021/lon.jpg"]) == known
    assert read == [site_root / "content/images/2021/lon.jpg"]


def test_a_small_photo_is_never_upscaled(site_root):
    make_photo(site_root, "images/nho.png", (300, 200))
    post_with_photo(site_root, "../images/nho.png")
    build_site(site_root)
    [img] = [tag for tag in img_tags(read(site_root, "tin-tuc/bai-co-anh-lon/index.html")) if "nho" in tag]
    assert 'width="300"' in img and 'height="200"' in img
    assert "srcset" not in img
    assert not list((site_root / "public" / "images").glob("nho-*"))


def test_the_cover_photo_has_srcset_and_is_not_lazy(site_root):
    make_photo(site_root, "images/2021/bia.jpg", (1200, 800))
    post_with_photo(site_root, "../images/anh.jpg", cover="images/2021/bia.jpg")
    build_site(site_root)
    html = read(site_root, "tin-tuc/bai-co-anh-lon/index.html")
    [cover] = [tag for tag in img_tags(html) if "bia" in tag]
    assert (
        'srcset="/images/2021/bia-480w.jpg 480w, /images/2021/bia-960w.jpg 960w, /images/2021/bia.jpg 1200w"' in cover
    )
    assert 'width="1200" height="800"' in cover
    assert "lazy" not in cover


def test_srcset_addresses_honour_the_base_path(site_root):
    make_photo(site_root, "images/2021/lon.jpg", (1000, 500))
    post_with_photo(site_root, "../images/2021/lon.jpg")
    build_site(site_root, base_url="https://example.org/khoi-thi-dua/")
    html = read(site_root, "tin-tuc/bai-co-anh-lon/index.html")
    assert "/khoi-thi-dua/images/2021/lon-480w.jpg 480w" in html


def test_a_second_build_reuses_the_cached_copies_instead_of_encoding_again(site_root):
    make_photo(site_root, "images/2021/lon.jpg", (2000, 1000))
    post_with_photo(site_root, "../images/2021/lon.jpg")
    build_site(site_root)
    cached = sorted((site_root / ".cache" / "images").iterdir())
    assert len(cached) == 3
    before = {path: path.stat().st_mtime_ns for path in cached}
    build_site(site_root)
    assert {path: path.stat().st_mtime_ns for path in sorted((site_root / ".cache" / "images").iterdir())} == before


def test_a_replaced_photo_is_encoded_again(site_root):
    make_photo(site_root, "images/2021/lon.jpg", (2000, 1000), color=(255, 0, 0))
    post_with_photo(site_root, "../images/2021/lon.jpg")
    build_site(site_root)
    make_photo(site_root, "images/2021/lon.jpg", (2000, 1000), color=(0, 0, 255))
    build_site(site_root)
    with Image.open(site_root / "public" / "images" / "2021" / "lon-480w.jpg") as copy:
        red, _, blue = copy.convert("RGB").getpixel((10, 10))
    assert blue > 200 and red < 50


def test_a_photo_taken_sideways_reports_its_upright_size(site_root):
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90°: stored 1200x800, shown 800x1200
    make_photo(site_root, "images/doc.jpg", (1200, 800), exif=exif)
    found = picture(site_root / "content", "images/doc.jpg")
    assert (found.width, found.height) == (800, 1200)
    assert [(v.width, v.height) for v in found.variants] == [(480, 720)]
