"""Show mdlib's own source in the book, so the book never keeps a second copy of it (d2l style)."""
import inspect


def source(*objects):
    """IPython Code display of the source of each function or class, in order."""
    from IPython.display import Code

    return Code("\n\n".join(inspect.getsource(obj) for obj in objects), language="python")
