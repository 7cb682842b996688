"""The Jinja environment that admins' letter wordings render in (DESIGN.md §6).

Jinja's ImmutableSandboxedEnvironment already refuses attributes that start with "_", Python's
internals and changes to lists and dicts. A wording needs far less than Jinja offers, and a
broken one must not stall the worker that drafts a letter, so this sandbox also:

- lets a template read data only: dict keys, a few harmless methods of text, lists, dicts and
  dates, a loop's counters and a namespace's own names (no `str.format`, no `date.replace`);
- refuses include, import, extends and recursive loops when the template is compiled;
- keeps every value a template makes (text, lists, numbers) small, and charges loop steps,
  calls, filters, comparisons and the size of what they handle to a work budget per render,
  so a loop gone wild or a value doubled over and over stops with a message for the admin
  instead of eating the worker's time or memory;
- offers only the filters a letter needs, each under the same limits.

Render only inside `work_budget()`; errors are TemplateRefused (with a message for the admin)
or Jinja's own errors, which letters.wording turns into a WordingError.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, timedelta
from functools import wraps
from types import BuiltinMethodType, MethodType
from typing import Any, cast

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from jinja2 import Environment, StrictUndefined, Undefined, nodes
from jinja2.filters import FILTERS, make_attrgetter
from jinja2.runtime import LoopContext
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import Namespace, pass_environment
from jinja2.visitor import NodeTransformer

MAX_SIZE = 50_000  # characters of text, or items of lists, in any one value a template makes
MAX_WORK = 300_000  # steps in one render (a loop's turn, a call, an item looked at): < 0.5 s
CHARACTERS_PER_STEP = 64  # text is handled in C, far faster than a step of Python
MAX_RANGE = 10_000
MAX_INT_BITS = 4_096
MAX_NESTING = 30  # blocks inside blocks; Python's compiler gives up a little beyond 100

# What a template may read besides dict keys: nothing that copies, formats or reaches out.
SAFE_ATTRIBUTES: tuple[tuple[type | tuple[type, ...], frozenset[str]], ...] = (
    (str, frozenset({
        "upper", "lower", "title", "capitalize", "strip", "lstrip", "rstrip", "startswith",
        "endswith", "split", "splitlines", "count", "find", "isdigit", "isalpha", "isspace",
        "isupper", "islower",
    })),
    (dict, frozenset({"items", "keys", "values", "get"})),
    ((list, tuple), frozenset({"index", "count"})),
    (date, frozenset({"year", "month", "day", "weekday", "isoweekday", "isoformat"})),
    (timedelta, frozenset({"days"})),
    (LoopContext, frozenset({
        "index", "index0", "revindex", "revindex0", "first", "last", "length", "depth",
        "depth0", "previtem", "nextitem", "cycle", "changed",
    })),
)
# Jinja's filters that a letter can use and that cannot grow a value beyond its inputs.
PLAIN_FILTERS = (
    "abs", "capitalize", "count", "d", "default", "dictsort", "first", "float", "groupby",
    "int", "items", "last", "length", "list", "lower", "map", "max", "min", "reject",
    "rejectattr", "reverse", "round", "select", "selectattr", "sort", "string", "title", "trim",
    "truncate", "unique", "upper", "wordcount",
)


class TemplateRefused(Exception):
    """The template tried something a wording may not do; `message` says what, for the admin.
    `lineno` is known for what is refused at compile time; at run time the traceback has it."""

    def __init__(self, message: LazyString, lineno: int | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.lineno = lineno


# -- the work budget --------------------------------------------------------------------------


class _Budget:
    def __init__(self) -> None:
        self.left = MAX_WORK

    def spend(self, units: int) -> None:
        self.left -= units
        if self.left < 0:
            raise TemplateRefused(_l("The template does too much work: a loop that runs too "
                                     "long, or a value built up too many times."))


_budget: ContextVar[_Budget] = ContextVar("wording_work_budget")


@contextmanager
def work_budget() -> Iterator[None]:
    """A fresh budget for compiling and rendering one template."""
    token = _budget.set(_Budget())
    try:
        yield
    finally:
        _budget.reset(token)


def _spend(units: int = 1) -> None:
    _budget.get().spend(units)  # LookupError outside work_budget(): a programming error


def _size(value: Any) -> int:
    """Characters plus items, shared parts counted each time they appear (as printing would
    count them); refused beyond MAX_SIZE. Walking the value is paid from the budget."""
    items = characters = 0
    pending = [value]
    while pending:
        item = pending.pop()
        items += 1
        # Anything else (a number, a date, None) is one item.
        if isinstance(item, str | range):
            characters += len(item)
        elif isinstance(item, dict):
            pending += [*item.keys(), *item.values()]
        elif isinstance(item, list | tuple | set | frozenset):
            pending += item
        elif isinstance(item, Namespace):
            pending += object.__getattribute__(item, "_Namespace__attrs").values()
        if items + characters > MAX_SIZE:
            _too_large()
    _spend(items + characters // CHARACTERS_PER_STEP)
    return items + characters


def _sized(value: Any) -> Any:
    _size(value)
    return value


def _too_large() -> None:
    raise TemplateRefused(_l("A value in the template grows beyond %(limit)s characters or "
                             "items.", limit=MAX_SIZE))


def _receiver(method: Any) -> Any:
    """What a bound method reads (`s` of `s.count`); None for a plain function."""
    if isinstance(method, BuiltinMethodType | MethodType):
        return method.__self__
    return None


def _reading_cost(value: Any) -> int:
    """Steps for reading a value through once, from its length alone (walking it would cost
    what it measures): text by CHARACTERS_PER_STEP, lists, tuples and dicts by their items."""
    if isinstance(value, str):
        return len(value) // CHARACTERS_PER_STEP
    if isinstance(value, list | tuple | dict):
        return len(value)
    return 0


# -- operators, lists, joins and loops, as the compiled template calls them ---------------------


def _check_operands(operator: str, left: Any, right: Any) -> None:
    """Refuse, before computing it, a result that would be too large to hold."""
    numbers = (int, float)
    if operator == "%" and isinstance(left, str):
        raise TemplateRefused(_l("Join text with ~ rather than formatting it with %."))
    if isinstance(left, int) and isinstance(right, int):
        if operator == "**" and right > 0 and abs(left) > 1:
            bits = abs(left).bit_length() * right
        else:
            bits = abs(left).bit_length() + abs(right).bit_length()
        if bits > MAX_INT_BITS:
            raise TemplateRefused(_l("A number in the template grows too large."))
    elif operator == "*":  # text or a list repeated
        times, repeated = (left, right) if isinstance(left, int) else (right, left)
        if (isinstance(times, int) and not isinstance(repeated, numbers)
                and max(times, 0) * _size(repeated) > MAX_SIZE):
            _too_large()
    elif (operator == "+" and not isinstance(left, numbers)
          and _size(left) + _size(right) > MAX_SIZE):
        _too_large()


def _joined(values: Iterable[Any]) -> str:
    """`a ~ b`: each part's size is checked before it is turned into text."""
    texts = []
    for value in values:
        _size(value)
        texts.append(str(value))
    return _bounded_concat(texts)


def _bounded_concat(parts: Iterable[str]) -> str:
    """Also the output captured by a macro, a {% set %} block or a {% filter %} block."""
    pieces, total = [], 0
    for part in parts:
        total += len(part)
        if total > MAX_SIZE:
            _too_large()
        pieces.append(part)
    _spend(len(pieces) + total // CHARACTERS_PER_STEP)
    return "".join(pieces)


def _steps(iterable: Iterable[Any]) -> Iterator[Any]:
    """Every loop iterates through this: each step is paid for."""
    for item in iterable:
        _spend()
        yield item


def _range(*args: int) -> range:
    numbers = range(*args)
    if len(numbers) > MAX_RANGE:
        raise TemplateRefused(_l("range() may give at most %(limit)s numbers.", limit=MAX_RANGE))
    return numbers


# -- filters and tests under the limits -------------------------------------------------------


def _limited(function: Callable[..., Any]) -> Callable[..., Any]:
    """The filter or test, paid for by the size of its inputs and its result."""
    takes_context = getattr(function, "jinja_pass_arg", None) is not None

    @wraps(function)  # keeps jinja_pass_arg, so Jinja still passes the context first
    def limited(*args: Any, **kwargs: Any) -> Any:
        _spend()
        for value in (*args[takes_context:], *kwargs.values()):
            _size(value)
        return _sized(function(*args, **kwargs))

    return limited


@pass_environment
def _join(environment: Environment, value: Iterable[Any], d: str = "",
          attribute: str | int | None = None) -> str:
    if attribute is not None:
        value = map(make_attrgetter(environment, attribute), value)
    parts: list[Any] = []
    for index, item in enumerate(value):
        if index:
            parts.append(d)
        parts.append(item)
    return _joined(parts)


def _replace(value: str, old: str, new: str, count: int = -1) -> str:
    value, old, new = str(value), str(old), str(new)
    found = value.count(old) if old else len(value) + 1
    if count >= 0:
        found = min(found, count)
    if len(value) + found * (len(new) - len(old)) > MAX_SIZE:
        _too_large()
    return value.replace(old, new, count)


@pass_environment
def _sum(environment: Environment, value: Iterable[Any], attribute: str | int | None = None,
         start: float = 0) -> Any:
    """Numbers only: adding up lists copies them over and over."""
    if not isinstance(start, int | float):
        raise TemplateRefused(_l("sum adds up numbers only."))
    return FILTERS["sum"](environment, value, attribute, start)


# -- the environment --------------------------------------------------------------------------


def _filter(node: nodes.Node, name: str) -> nodes.Filter:
    return nodes.Filter(node, name, [], [], None, None, lineno=node.lineno)


class _Guard(NodeTransformer):
    """Rewrites a parsed template so that its loops, joins, literals and comparisons go
    through the checks above, and refuses the tags a wording may not use."""

    def __init__(self) -> None:
        self.depth = 0

    def generic_visit(self, node: nodes.Node, *args: Any, **kwargs: Any) -> nodes.Node:
        nests = isinstance(node, nodes.Stmt) and hasattr(node, "body")
        self.depth += nests
        if self.depth > MAX_NESTING:
            raise TemplateRefused(_l("Blocks nest more than %(limit)s deep.",
                                     limit=MAX_NESTING), node.lineno)
        try:
            return super().generic_visit(node, *args, **kwargs)
        finally:
            self.depth -= nests

    def visit_For(self, node: nodes.For) -> nodes.Node:
        self.generic_visit(node)
        if node.recursive:
            raise TemplateRefused(_l("Loops may not be recursive."), node.lineno)
        node.iter = _filter(node.iter, "_steps")
        return node

    def visit_Concat(self, node: nodes.Concat) -> nodes.Node:
        self.generic_visit(node)
        return _filter(nodes.List(node.nodes, lineno=node.lineno), "_joined")

    def _sized_literal(self, node: nodes.Expr) -> nodes.Node:
        self.generic_visit(node)
        return _filter(node, "_sized")

    visit_List = visit_Dict = _sized_literal

    def visit_Tuple(self, node: nodes.Tuple) -> nodes.Node:
        return self._sized_literal(node) if node.ctx == "load" else self.generic_visit(node)

    def visit_Compare(self, node: nodes.Compare) -> nodes.Node:
        self.generic_visit(node)
        node.expr = _filter(node.expr, "_sized")
        for operand in node.ops:
            operand.expr = _filter(operand.expr, "_sized")
        return node

    def _refuse(self, node: nodes.Node) -> nodes.Node:
        raise TemplateRefused(_l("A wording may not include, import or extend other "
                                 "templates."), node.lineno)

    visit_Include = visit_Import = visit_FromImport = visit_Extends = _refuse


class WordingSandbox(ImmutableSandboxedEnvironment):
    """See the module's docstring."""

    intercepted_binops = frozenset({"+", "*", "**", "%"})

    def __init__(self) -> None:
        super().__init__(
            undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True,
            trim_blocks=True, lstrip_blocks=True, finalize=_sized,
        )
        self.concat = _bounded_concat  # type: ignore[method-assign]
        self.globals = {"range": _range, "dict": dict, "namespace": Namespace}
        self.filters = {name: _limited(FILTERS[name]) for name in PLAIN_FILTERS}
        self.filters.update(join=_limited(_join), replace=_limited(_replace),
                            sum=_limited(_sum), _steps=_steps, _sized=_sized, _joined=_joined)
        self.tests = {name: _limited(cast(Callable[..., Any], test))
                      for name, test in self.tests.items()}

    def add_filter(self, name: str, function: Callable[..., Any]) -> None:
        self.filters[name] = _limited(function)

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        tree = _Guard().visit(super()._parse(source, name, filename))
        tree.set_environment(self)
        return tree

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if not super().is_safe_attribute(obj, attr, value):
            return False
        if isinstance(obj, Namespace):
            return True
        return any(isinstance(obj, kinds) and attr in names for kinds, names in SAFE_ATTRIBUTES)

    def wrap_str_format(self, value: Any) -> None:
        """No str.format: its padding alone can make text of any length."""
        return None

    def getattr(self, obj: Any, attribute: str) -> Any:
        if isinstance(obj, Undefined):
            obj._fail_with_undefined_error()  # "'cycler' is undefined", not "__init__ is unsafe"
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        if isinstance(obj, Undefined):
            obj._fail_with_undefined_error()
        value = super().getitem(obj, argument)
        if isinstance(argument, slice):
            _size(value)  # a slice is a copy
        return value

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        _spend()
        _check_operands(operator, left, right)
        return super().call_binop(context, operator, left, right)

    def call(self, context: Any, obj: Any, /, *args: Any, **kwargs: Any) -> Any:
        """Paid before the call for what it reads: `s.isalpha()` or `s.count(t)` scans all of
        `s` in C, which the result's size does not show."""
        _spend(1 + sum(map(_reading_cost, (_receiver(obj), *args, *kwargs.values()))))
        return _sized(super().call(context, obj, *args, **kwargs))

