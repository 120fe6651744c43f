"""Read a submitted notebook without running it: its code cells, the chapter it answers, integrity flags.

The integrity check reads the code (an AST walk); it never trusts anything the code prints. It
flags a submission that imports or calls, from ``coursepkg``, the function an exercise asks the
student to write, or one its reference answer is built from (``perceptron_update``,
``coursepkg.mlp.count_parameters``, ``two_layer_perceptron``, ...), and one that imports
``coursepkg`` modules by name at run time (``importlib.import_module``, ``__import__``), which
would hide such a use.
"""
import ast
import functools
import json
import os
import re
import stat
import sys
import threading
import types

__all__ = [
    'SubmissionError', 'read_bytes_checked', 'read_code_cells', 'code_cells', 'python_source',
    'is_self_check', 'defined_functions', 'guess_chapter', 'chapter_from_name', 'count_defined', 'forbidden_names',
    'integrity_flags',
]

MAX_NOTEBOOK_BYTES = 128_000_000  # stored outputs are dropped after reading; 50 MB of them must still grade
# ast.parse is not thread-safe in CPython 3.11 (gh-106905: "AST constructor recursion depth
# mismatch" when two threads convert trees at once), and batch jobs are threads: parse one at a time.
_AST_LOCK = threading.Lock()


def _parse_source(source):
    with _AST_LOCK:
        return ast.parse(source)


_RUN_BODY = ("time", "timeit", "capture", "prun")  # the cell magics the child runs the body of (child.Shell)


class SubmissionError(ValueError):
    """The file is not a notebook we can grade; the message says why, for the gradebook."""


def read_bytes_checked(path, limit=MAX_NOTEBOOK_BYTES):
    """The bytes of ``path`` if it is a regular file of at most ``limit`` bytes (checked before reading)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # a FIFO must not block us
    except OSError as exc:
        raise SubmissionError(f"unreadable: {exc.strerror or exc}") from None
    with os.fdopen(fd, "rb") as f:
        info = os.fstat(f.fileno())
        if not stat.S_ISREG(info.st_mode):
            kind = "a FIFO" if stat.S_ISFIFO(info.st_mode) else "a device" if stat.S_ISCHR(info.st_mode) or \
                stat.S_ISBLK(info.st_mode) else "a directory" if stat.S_ISDIR(info.st_mode) else "not a file"
            raise SubmissionError(f"not gradable: not a regular file ({kind})")
        if info.st_size > limit:
            raise SubmissionError(f"not gradable: file is {info.st_size} bytes (limit {limit})")
        data = f.read(limit + 1)
    if len(data) > limit:
        raise SubmissionError(f"not gradable: file is over {limit} bytes")
    return data


@functools.lru_cache(maxsize=4096)
def python_source(source):
    r"""The Python code of a cell, as IPython's own input transformer makes it (magics become ``get_ipython()`` calls).

    Examples
    --------
    >>> print(python_source("%matplotlib inline\nx = (1\n!= 2)"), end="")
    get_ipython().run_line_magic('matplotlib', 'inline')
    x = (1
    != 2)
    """
    from IPython.core.inputtransformer2 import TransformerManager

    try:
        with _AST_LOCK:  # IPython's transformers compile and parse too
            return TransformerManager().transform_cell(source)
    except Exception:  # noqa: BLE001 - the cell stays as it is; running it reports the error
        return source


def _cells_of(nb):
    """The cells of a notebook JSON; nbformat 3 keeps them in worksheets, with the code under ``input``."""
    if isinstance(nb, dict) and isinstance(nb.get("worksheets"), list):
        cells = []
        for sheet in nb["worksheets"]:
            if isinstance(sheet, dict) and isinstance(sheet.get("cells"), list):
                cells += [dict(c, source=c.get("input", "")) if isinstance(c, dict) else c for c in sheet["cells"]]
        return cells
    if isinstance(nb, dict) and isinstance(nb.get("cells"), list):
        return nb["cells"]
    raise SubmissionError("not a notebook: the JSON has no list of cells")


def read_code_cells(path):
    """``[(cell_index, python_source), ...]`` of the code cells of notebook ``path``; SubmissionError if unreadable.

    Checks that ``path`` is a regular file and its size before reading; stored outputs are dropped.
    """
    return code_cells(read_bytes_checked(path))


def code_cells(data):
    """:func:`read_code_cells` for the bytes of a notebook (nbformat 4, or 3 upgraded)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise SubmissionError("not a notebook: the file is not UTF-8 text") from None
    try:
        nb = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SubmissionError(f"not a notebook: invalid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    except RecursionError:
        raise SubmissionError("not a notebook: JSON nested too deeply") from None
    cells = []
    for index, cell in enumerate(_cells_of(nb)):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        if isinstance(source, list) and all(isinstance(s, str) for s in source):
            source = "".join(source)
        if not isinstance(source, str):
            raise SubmissionError(f"not a notebook: cell {index} has a malformed source")
        cells.append((index, python_source(source)))
    return cells


def is_self_check(source):
    """True for a cell made only of ``check(...)`` calls: the self-check, which grading does not need.

    Skipping it changes no answer and saves the child from importing every chapter's references.

    >>> is_self_check('check("1.1", perceptron_update)'), is_self_check("x = check('1.1', f)")
    (True, False)
    """
    try:
        tree = _parse_source(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return bool(tree.body) and all(
        isinstance(node, ast.Expr) and isinstance(node.value, ast.Call) and isinstance(node.value.func, ast.Name)
        and node.value.func.id == "check" for node in tree.body)


def _magic_body(node):
    """The body of ``get_ipython().run_cell_magic('time', '', BODY)`` (a cell magic the child runs), else None."""
    call = node.value if isinstance(node, ast.Expr) else None
    if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr == "run_cell_magic" \
            and len(call.args) == 3 and all(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in call.args) \
            and call.args[0].value in _RUN_BODY:
        return call.args[2].value
    return None


def _parse(cells):
    trees = []
    for index, source in cells:
        try:
            tree = _parse_source(source)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
        trees.append(tree)
        bodies = [b for b in map(_magic_body, tree.body) if b is not None]
        trees += _parse([(index, b) for b in bodies])
    return trees


def defined_functions(cells):
    """Names bound at the top level of the notebook by ``def`` or assignment (in ``%%time`` cells too)."""
    names = set()
    for tree in _parse(cells):
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                names.add(node.name)
            elif isinstance(node, ast.Assign):
                names.update(t.id for t in node.targets if isinstance(t, ast.Name))
    return names


def count_defined(cells, exercises, chapter=None):
    """How many exercise functions (of ``chapter``, or of the chapter the notebook answers most) the cells define."""
    names = defined_functions(cells)
    counts = {}
    for exercise in exercises:
        if exercise.name in names and (chapter is None or exercise.chapter == chapter):
            counts[exercise.chapter] = counts.get(exercise.chapter, 0) + 1
    return max(counts.values(), default=0)


def guess_chapter(cells, exercises):
    """The chapter whose exercise functions the notebook defines most of; None if it defines none."""
    names = defined_functions(cells)
    counts = {}
    for exercise in exercises:
        if exercise.name in names:
            counts[exercise.chapter] = counts.get(exercise.chapter, 0) + 1
    return max(sorted(counts), key=counts.get) if counts else None


def chapter_from_name(path, chapters):
    """The chapter a notebook's file name starts with, as the course names its notebooks
    (``01_perceptrons.ipynb``, a resubmission ``01_perceptrons-1.ipynb``); None unless it is one of ``chapters``.

    Examples
    --------
    >>> chapter_from_name("alice/03_softmax-2.ipynb", {1, 3}), chapter_from_name("notes.ipynb", {1, 3})
    (3, None)
    """
    found = re.match(r"(\d{1,2})_", os.path.basename(str(path)))
    return int(found.group(1)) if found and int(found.group(1)) in chapters else None


def forbidden_names(exercise):
    """The ``coursepkg`` names that would answer ``exercise`` for the student.

    The function's own name, the reference's name, and every ``coursepkg`` object (outside
    ``coursepkg.exercises``) that the reference's code refers to.
    """
    names = {exercise.name}
    ref = exercise.reference
    module = getattr(ref, "__module__", "") or ""
    if module.startswith("coursepkg") and not ref.__name__.startswith(("_", "<")):
        names.add(ref.__name__)
    code = getattr(ref, "__code__", None)
    if isinstance(code, types.CodeType):
        globals_ = getattr(ref, "__globals__", {})
        for name in code.co_names:
            obj = globals_.get(name)
            if obj is None or isinstance(obj, types.ModuleType):
                continue
            owner = getattr(obj, "__module__", None) if callable(obj) else _owner_of(name, obj)
            if owner and owner.startswith("coursepkg") and not owner.startswith("coursepkg.exercises"):
                names.add(name)
    return names


def _owner_of(name, obj):
    """The ``coursepkg`` module (outside the exercises) that defines data object ``obj`` as ``name``."""
    for module_name, module in list(sys.modules.items()):
        if module_name.startswith("coursepkg.") and not module_name.startswith("coursepkg.exercises") \
                and getattr(module, name, None) is obj:
            return module_name
    return None


def _dotted(node):
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def integrity_flags(cells, exercises):
    """One line per suspicious use of ``coursepkg``'s own answers, e.g. 'uses coursepkg.perceptron.perceptron_update (exercise 1.1)'."""
    owner = {}
    for exercise in exercises:
        for name in forbidden_names(exercise):
            owner.setdefault(name, exercise.id)
    flags, aliases = [], {}  # alias -> module path for `import coursepkg.mlp as m`

    def flag(text, name):
        line = f"uses {text} (exercise {owner[name]})"
        if line not in flags:
            flags.append(line)

    for tree in _parse(cells):
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.split(".")[0] == "coursepkg":
                        aliases[alias.asname or alias.name.split(".")[0]] = alias.name if alias.asname else "coursepkg"
            elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "coursepkg":
                for alias in node.names:
                    if alias.name in owner:
                        flag(f"{node.module}.{alias.name}", alias.name)
                    else:
                        aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    for tree in _parse(cells):
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr in owner:
                dotted = _dotted(node)
                root = dotted.split(".")[0] if dotted else None
                if root in aliases:
                    flag(aliases[root] + dotted[len(root):], node.attr)
            elif isinstance(node, ast.Call):
                func = _dotted(node.func) or ""
                if func.split(".")[-1] in ("import_module", "__import__") and node.args:
                    arg = node.args[0]
                    text = arg.value if isinstance(arg, ast.Constant) and isinstance(arg.value, str) else None
                    if text is None or text.startswith("coursepkg"):
                        line = f"imports {text or 'a module named at run time'} dynamically ({func})"
                        if line not in flags:
                            flags.append(line)
                elif func == "getattr" and len(node.args) >= 2 and isinstance(node.args[1], ast.Constant) \
                        and node.args[1].value in owner and (_dotted(node.args[0]) or "").split(".")[0] in aliases:
                    flag(f"{_dotted(node.args[0])}.{node.args[1].value} via getattr", node.args[1].value)
    return flags
