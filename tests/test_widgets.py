"""The live widgets: what a reader sees as they type, move sliders, or open the notebook unrun."""
from html.parser import HTMLParser

import pytest

from mdlib.widgets import (BackpropWidget, ConvWidget, LiveWidget, NotationWidget, PoolWidget,
                           ShapeExplorer)

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


class _Text(HTMLParser):
    """The text a reader sees in a picture, outside its SVG diagrams."""

    def __init__(self):
        super().__init__()
        self.depth, self.parts = 0, []

    def handle_starttag(self, tag, attrs):
        self.depth += tag == "svg"

    def handle_endtag(self, tag):
        self.depth -= tag == "svg"

    def handle_data(self, data):
        if not self.depth:
            self.parts.append(data)


def text_of(html):
    p = _Text()
    p.feed(html)
    return " ".join("".join(p.parts).split())


# --- NotationWidget: the widths field --------------------------------------------------------------

def test_widths_redraw_as_the_reader_types():
    w = NotationWidget(sizes=(3, 4, 4, 2))
    assert w.widths.continuous_update is True
    for partial in ["3-4-4-", "3-4-4", "3-4-", "3-4", "3-", "3", "", "5", "5-", "5-2"]:
        w.widths.value = partial                     # every keystroke renders; none raises
    view = w.update()
    assert view["sizes"] == [5, 2] and view["l"] == 2 and w.message.value == ""
    assert (w.l.max, w.j.max, w.k.max) == (2, 2, 5)


@pytest.mark.parametrize("typed, problem", [
    ("3-", "end with '-'"),
    ("3", "2 to 6 layers"),
    ("", "type the widths"),
    ("3--2", "no width between"),
    ("-3-2", "start with '-'"),
])
def test_partial_or_bad_widths_give_a_message_and_a_marked_picture(typed, problem):
    w = NotationWidget(sizes=(3, 4, 4, 2), l=3, j=2, k=3)
    w.widths.value = typed
    message = text_of(w.message.value)
    assert repr(typed) in message and problem in message
    picture = text_of(w.picture.value)
    # the old network is not shown as if it were the typed one: the picture says what it is
    assert "not redrawn" in picture.lower() and "3-4-4-2" in picture and repr(typed) in picture
    w.widths.value = "2-3"
    assert w.message.value == "" and "not redrawn" not in text_of(w.picture.value).lower()
    assert w.update()["sizes"] == [2, 3]


def test_widths_message_is_escaped():
    w = NotationWidget()
    w.widths.value = "<b>3</b>"
    assert "<b>" not in w.message.value and "&lt;b&gt;" in w.message.value


# --- PoolWidget: the selected output cell keeps its meaning across strides -----------------------

def test_pool_selection_keeps_row_and_column_when_the_stride_changes():
    w = PoolWidget(mode="max", stride=1, cell=3)      # stride 1: 3x3 output, cell 3 = (1, 0)
    view = w.update()
    assert (view["i"], view["j"]) == (1, 0) and (view["top"], view["left"]) == (1, 0)
    w.stride.value = 2                                # 2x2 output: still (1, 0), its window moves
    view = w.update()
    assert (view["i"], view["j"]) == (1, 0) and view["stride"] == 2
    assert (view["top"], view["left"]) == (2, 0) and view["window"] == [(2, 0), (2, 1), (3, 0), (3, 1)]
    assert "output cell (1, 0)" in text_of(w.picture.value).lower()
    assert "rows 2 to 3, columns 0 to 1" in text_of(w.picture.value)
    w.stride.value = 1                                # and back: (1, 0), not (0, 2)
    assert (w.update()["i"], w.update()["j"]) == (1, 0)


def test_pool_selection_is_clamped_into_the_smaller_output():
    w = PoolWidget(stride=1, cell=7)                  # (2, 1) of the 3x3 output
    w.stride.value = 2
    view = w.update()
    assert (view["i"], view["j"]) == (1, 1) and w.cell.max == 3
    w.cell.value = 2                                  # the slider still moves row-major
    assert (w.update()["i"], w.update()["j"]) == (1, 0)


# --- every live widget: the text/plain fallback -------------------------------------------------------

@pytest.mark.parametrize("cls", [NotationWidget, BackpropWidget, ShapeExplorer, ConvWidget, PoolWidget])
def test_display_carries_the_widget_view_and_a_readable_fallback(cls, monkeypatch):
    import IPython.display

    widget = cls()
    assert isinstance(widget, LiveWidget)
    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda *objs, **kw: shown.append((objs, kw)))
    widget._ipython_display_()
    (bundle,), kw = shown[-1]
    assert kw.get("raw") is True
    assert bundle[WIDGET_VIEW]["model_id"] == widget.ui.model_id       # the live view, for a kernel
    text = bundle["text/plain"]
    assert cls.__name__ in text and "run this notebook" in text and "VBox" not in text
    assert widget._repr_mimebundle_() == bundle


def test_fallback_is_what_a_notebook_records():
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.display import display
    from IPython.utils.capture import capture_output

    InteractiveShell.instance()
    with capture_output() as captured:
        display(PoolWidget())
    (output,) = captured.outputs
    assert "Live widget (PoolWidget)" in output.data["text/plain"] and WIDGET_VIEW in output.data
