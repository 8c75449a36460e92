"""Branding rules, pure: a firm's colour must be a 6-digit hex colour; the
portal derives the hover shade and picks black or white text by WCAG 2.x
contrast (relative luminance, contrast ratio of at least 4.5:1 for text)."""

from __future__ import annotations

import re

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
DEFAULT_COLOUR = "#0b3d91"
MIN_TEXT_CONTRAST = 4.5


def normalise_colour(value: str | None) -> str | None:
    """``#RRGGBB`` in lower case, or None when not a colour."""
    value = (value or "").strip()
    return value.lower() if HEX_COLOUR.match(value) else None


def rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def shade(colour: str, factor: float) -> str:
    """The colour darkened by ``factor`` (0.15 = 15 % towards black)."""
    return "#" + "".join(f"{round(channel * (1 - factor)):02x}" for channel in rgb(colour))


def relative_luminance(colour: str) -> float:
    """WCAG 2.x relative luminance of an sRGB colour."""
    def linear(channel: int) -> float:
        value = channel / 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4
    red, green, blue = (linear(channel) for channel in rgb(colour))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first: str, second: str) -> float:
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def text_colour_on(background: str) -> str:
    """White or black, whichever reads better on ``background``."""
    return "#ffffff" if contrast_ratio(background, "#ffffff") >= contrast_ratio(background, "#000000") else "#000000"
