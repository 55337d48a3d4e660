"""Show mdlib's own source in the book, so the book never keeps a second copy of it (d2l
style)."""
import inspect

from IPython.display import Code


def source(*objects):
    """Defined in Chapter 1. IPython Code display of the source of each function or
    class, in order."""
    return Code(
        "\n\n".join(inspect.getsource(obj) for obj in objects), language="python"
    )
