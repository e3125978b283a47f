"""Draw the site's default share picture (1200x630, for Facebook and Zalo previews) into static/images/.

Run once after changing the wording: python scripts/make_share_image.py (needs Pillow and Noto Sans).
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

OUT = Path(__file__).resolve().parent.parent / "static" / "images" / "site-share.png"
FONT = "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf"
LINES = ("Khối thi đua các Hội", "xã hội - nghề nghiệp", "tỉnh Thái Nguyên")
RED, GOLD, WHITE = (164, 22, 26), (255, 205, 0), (255, 255, 255)


def main() -> None:
    """Red field, a gold band and the bloc's name in white."""
    image = Image.new("RGB", (1200, 630), RED)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 560, 1200, 630), fill=GOLD)
    big = ImageFont.truetype(FONT, 76)
    small = ImageFont.truetype(FONT, 34)
    draw.text((80, 80), "KHỐI THI ĐUA", font=small, fill=GOLD)
    for number, line in enumerate(LINES):
        draw.text((80, 150 + number * 110), line, font=big, fill=WHITE)
    image = image.quantize(colors=16)
    image.save(OUT, optimize=True)


if __name__ == "__main__":
    main()
