"""One name per colour: a picture that names a cell's colour in words (its alt text, its
captions, its own text) shows that colour, and every name means one colour in every
chapter (mdlib.ui.palette.COLOUR_NAMES: the word "orange" once named both the pooling
router's receivers and Chapter 4's picked cells, two different fills)."""
import re
from html import unescape

import pytest

from mdlib.ui import palette
from mdlib.ui.backprop import worked_example_stepper
from mdlib.ui.convolution import (CONV_EXAMPLES, FULL_CONV_EXAMPLES, conv_stepper,
                                  full_conv_stepper, pixel_dense_stepper, pool_stepper)
from mdlib.ui.shapes import shape_explorer_stepper

STEPPERS = {
    "shape explorer": shape_explorer_stepper,
    "worked example": worked_example_stepper,
    "pooling router": pool_stepper,
    "1x1 convolution": pixel_dense_stepper,
    **{f"convolution, {e}": (lambda e=e: conv_stepper(e)) for e in CONV_EXAMPLES},
    **{f"full convolution, {e}": (lambda e=e: full_conv_stepper(e))
       for e in FULL_CONV_EXAMPLES},
}

# the steppers whose pictures name a colour (the convolution's say "coloured as")
NAME_A_COLOUR = ("shape explorer", "pooling router", "1x1 convolution",
                 *(f"full convolution, {e}" for e in FULL_CONV_EXAMPLES))


def test_every_name_means_one_colour_and_every_colour_has_one_name():
    names = palette.COLOUR_NAMES
    assert len(set(names.values())) == len(names), names
    assert palette.WINDOW in names and palette.RECEIVER in names and palette.SELECTED in names
    # the fills a picture names are among them (the same colour under another constant
    # is the same name)
    for fill in (palette.FORWARD, palette.BACKWARD, palette.BROADCAST, palette.PADDING):
        assert fill in names, fill


def words_and_fills(frame_html, caption):
    """What a frame says (its text, its alt texts and aria-labels, its caption) and the
    colours it fills cells with."""
    labels = re.findall(r"(?:aria-label|alt)=(?:\"([^\"]*)\"|'([^']*)')", frame_html)
    text = " ".join([re.sub(r"<[^>]*>", " ", frame_html), caption,
                     *(a or b for a, b in labels)])
    fills = set(re.findall(r"(?:fill=[\"']|background:)(#[0-9a-fA-F]{3,6})", frame_html))
    return unescape(text).lower(), {f.lower() for f in fills}


@pytest.mark.parametrize("name", STEPPERS)
def test_a_colour_named_in_words_is_a_colour_the_picture_shows(name):
    stepper = STEPPERS[name]()
    by_name = {word: colour.lower() for colour, word in palette.COLOUR_NAMES.items()}
    named = 0
    for index, (frame, caption) in enumerate(zip(stepper.frames, stepper.captions)):
        text, fills = words_and_fills(frame, caption)
        for word, colour in by_name.items():
            if re.search(rf"\b{word}\b", text):
                named += 1
                assert colour in fills, (f"{name}, frame {index + 1} says {word!r} but "
                                         f"shows no {colour}: fills {sorted(fills)}")
    if name in NAME_A_COLOUR:
        assert named, f"{name}: no colour named, so the check above is vacuous"
