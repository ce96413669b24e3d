"""No regular expression of ours can backtrack for ever: none has an unbounded repeat (`*`, `+`,
`{n,}`) inside another unbounded repeat (star height above 1), the shape that made one typed
message ("Stop" and 22 "!") freeze the Rasa server (issue 16).

Every literal pattern given to `re` in our code (found with `ast`), and every pattern the
safeguarding lexicon compiles from safeguarding.yml, is parsed with Python's own regex parser."""
from __future__ import annotations

import ast
import re
import sre_constants
import sre_parse
from typing import Iterator, List, Optional, Tuple

import pytest

from bot.safeguarding.lexicon import Lexicon
from tests.conftest import ROOT

FOLDERS = ("bot", "actions", "rasa_sdk_plugins", "benchmarks", "scripts")
REPEATS = (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT)
PLACEHOLDER = "x"  # an f-string's {value}: the pattern around it is what is checked


def unbounded_repeat_heights(parsed) -> Iterator[int]:
    """The star height of each top-level item of a parsed pattern, one by one."""
    for op, arg in parsed:
        yield star_height(op, arg)


def star_height(op, arg) -> int:
    inner = max((star_height(o, a) for o, a in _children(op, arg)), default=0)
    unbounded = op in REPEATS and arg[1] == sre_constants.MAXREPEAT
    return inner + 1 if unbounded else inner


def _children(op, arg) -> List[Tuple]:
    if op in REPEATS:
        return list(arg[2])
    if op == sre_constants.SUBPATTERN:
        return list(arg[-1])
    if op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT):
        return list(arg[1])
    if op == sre_constants.BRANCH:
        return [item for branch in arg[1] for item in branch]
    if op == sre_constants.GROUPREF_EXISTS:
        return [item for branch in arg[1:] if branch is not None for item in branch]
    return []


def nested_repeat(pattern, flags: int = 0) -> bool:
    """Whether the pattern has an unbounded repeat inside an unbounded repeat."""
    return max(unbounded_repeat_heights(sre_parse.parse(pattern, flags)), default=0) > 1


def _literal(node: ast.AST, constants: dict) -> Optional[object]:
    if isinstance(node, ast.Constant) and isinstance(node.value, (str, bytes)):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else PLACEHOLDER for v in node.values)
    if isinstance(node, ast.Name):
        return constants.get(node.id)
    return None


def _verbose(call: ast.Call) -> int:
    """re.VERBOSE if the call passes it (it changes how the pattern parses)."""
    named = {n.attr for n in ast.walk(call) if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name)
             and n.value.id == "re"}
    return re.VERBOSE if named & {"VERBOSE", "X"} else 0


def code_patterns() -> Iterator[Tuple[str, object, int]]:
    """(file:line, pattern, flags) for each `re.<function>(pattern, ...)` with a pattern written in
    the code (or a module-level string constant)."""
    for folder in FOLDERS:
        for path in sorted((ROOT / folder).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
            constants = {
                target.id: node.value.value
                for node in tree.body if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
                for target in node.targets if isinstance(target, ast.Name)
            }
            for node in ast.walk(tree):
                if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                        and isinstance(node.func.value, ast.Name) and node.func.value.id == "re"):
                    continue
                argument = node.args[0] if node.args else next(
                    (k.value for k in node.keywords if k.arg == "pattern"), None)
                pattern = _literal(argument, constants) if argument is not None else None
                if pattern is not None and node.func.attr != "escape":
                    yield f"{path.relative_to(ROOT)}:{node.lineno}", pattern, _verbose(node)


def lexicon_patterns() -> Iterator[Tuple[str, object, int]]:
    lexicon = Lexicon.load(ROOT)
    for concern, phrase, compiled in lexicon.patterns:
        yield f"safeguarding.yml, {concern}: {phrase}", compiled.pattern, 0
    for compiled in lexicon.context:
        yield "safeguarding.yml, model_context", compiled.pattern, 0
    for concern, patterns in lexicon.unless.items():
        for compiled in patterns:
            yield f"safeguarding.yml, {concern} unless", compiled.pattern, 0


ALL = [*code_patterns(), *lexicon_patterns()]


def test_the_shape_check_finds_nested_repeats():
    old_plain_words = r"[^\W_]+(?:[\s'’.,!?-]+[^\W_]*)*[\s.,!?]*"  # typed_controls.py before issue 16
    assert nested_repeat(old_plain_words)
    assert nested_repeat(r"(a+)+$") and nested_repeat(r"(?:x|(?:\w+\s?){2,})") and nested_repeat(r"(?=(a*)*)")
    assert not nested_repeat(r"[A-Za-z0-9_-]{1,64}") and not nested_repeat(r"(?: \w+){0,3}\w*")
    assert not nested_repeat(r"(?:ab)*c+")


def test_the_code_has_patterns_to_check():
    found = list(code_patterns())
    assert any(where.startswith("bot/channel/incoming.py") for where, _, _ in found), found
    assert len(list(lexicon_patterns())) > 100


@pytest.mark.parametrize("where, pattern, flags", ALL, ids=[where for where, _, _ in ALL])
def test_no_pattern_nests_one_unbounded_repeat_in_another(where, pattern, flags):
    assert not nested_repeat(pattern, flags), (
        f"{where}: {pattern!r} has an unbounded repeat inside another: it can backtrack for ever")
