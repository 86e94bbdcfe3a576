"""The bounded YAML reader: YAML 1.2 scalars, refusals with positions, and bounds that hold against hostile text."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from sim.format import yamlsafe
from sim.format.yamlsafe import Issue, Loader, PyLoader, YamlError, compose, decode, locate, parse, read_text

# Every parse test runs on libyaml's parser and on PyYAML's pure-Python one: both must behave alike.
LOADERS = pytest.mark.parametrize("loader", [Loader, PyLoader], ids=["c", "py"])


def issues(text: str, loader: type[yaml.SafeLoader] = Loader) -> list[Issue]:
    with pytest.raises(YamlError) as exc:
        parse(text, loader)
    return exc.value.issues


def only(text: str, loader: type[yaml.SafeLoader] = Loader) -> tuple[int, int, str]:
    found = issues(text, loader)
    assert len(found) == 1, found
    return found[0].line, found[0].col, found[0].message


@LOADERS
def test_yaml_12_core_scalars(loader: type[yaml.SafeLoader]) -> None:
    text = (
        "a: no\nb: yes\nc: on\nd: 2024-01-31\ne: 1:30\nf: true\ng: False\nh: ~\ni: null\nj:\n"
        "k: 0123\nl: 0x1f\nm: 0o17\nn: 1.5e3\no: .inf\np: '5'\nq: !!str 5\nr: !!float 2\ns: 1_000\nt: 5m\n"
    )
    data = parse(text, loader).data
    assert data == {
        "a": "no",
        "b": "yes",
        "c": "on",
        "d": "2024-01-31",
        "e": "1:30",
        "f": True,
        "g": False,
        "h": None,
        "i": None,
        "j": None,
        "k": 123,
        "l": 31,
        "m": 15,
        "n": 1500.0,
        "o": float("inf"),
        "p": "5",
        "q": "5",
        "r": 2.0,
        "s": "1_000",
        "t": "5m",
    }


def test_the_composer_resolves_scalars_the_same_way() -> None:
    node = compose("a: no\nb: 2024-01-31\nc: true\n")
    tags = [v.tag.rsplit(":", 1)[-1] for _, v in node.value]
    assert tags == ["str", "str", "bool"]
    # And the Loader class on its own, for anyone who calls yaml.load with it.
    assert yaml.load("a: no\nb: 2024-01-31\n", Loader=Loader) == {"a": "no", "b": "2024-01-31"}


@LOADERS
def test_duplicate_keys_are_all_reported_at_the_second_key(loader: type[yaml.SafeLoader]) -> None:
    parsed = parse("id: a\nname: n\nid: b\nnested:\n  x: 1\n  x: 2\n", loader)
    assert parsed.data["id"] == "b"
    assert [(i.line, i.col, i.message) for i in parsed.issues] == [
        (3, 1, "duplicate key 'id' (first at line 1)"),
        (6, 3, "duplicate key 'x' (first at line 5)"),
    ]


@LOADERS
@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n# and another\n", "\ufeff"])
def test_an_empty_file_is_refused(loader: type[yaml.SafeLoader], text: str) -> None:
    line, col, message = only(text, loader)
    assert (line, col) == (1, 1)
    assert "empty" in message


@LOADERS
def test_several_documents_are_refused_at_the_second(loader: type[yaml.SafeLoader]) -> None:
    assert only("a: 1\n---\nb: 2\n", loader) == (2, 1, "the file holds more than one YAML document ('---')")


@LOADERS
def test_a_closed_document_then_another(loader: type[yaml.SafeLoader]) -> None:
    line, col, message = only("a: 1\n...\n---\nb: 2\n", loader)
    assert (line, col) == (3, 1)
    assert "more than one" in message


@LOADERS
@pytest.mark.parametrize(
    ("text", "tag", "pos"),
    [
        ("a: !!python/object/apply:os.system ['echo hi']\n", "!!python/object/apply:os.system", (1, 4)),
        ("a:\n  b: !!python/name:os.system\n", "!!python/name:os.system", (2, 6)),
        ("a: !!binary aGVsbG8=\n", "!!binary", (1, 4)),
        ("a: !!set {x, y}\n", "!!set", (1, 4)),
        ("a: !custom 1\n", "!custom", (1, 4)),
        ("a: !!timestamp 2024-01-01\n", "!!timestamp", (1, 4)),
    ],
)
def test_tags_other_than_plain_yaml_are_refused(
    loader: type[yaml.SafeLoader], text: str, tag: str, pos: tuple[int, int]
) -> None:
    line, col, message = only(text, loader)
    assert (line, col) == pos
    assert message == f"the tag '{tag}' is not allowed"


def test_every_forbidden_tag_is_reported() -> None:
    found = issues("a: !!python/object:x {}\nb: !!python/tuple [1]\n")
    assert [(i.line, i.col) for i in found] == [(1, 4), (2, 4)]


@LOADERS
def test_explicit_tags_must_fit_their_value(loader: type[yaml.SafeLoader]) -> None:
    assert only("a: !!int five\n", loader) == (1, 4, "'five' is not a valid !!int")
    assert parse("a: !!int '5'\nb: !!bool 'true'\nc: !!null x\n", loader).data == {"a": 5, "b": True, "c": None}


@LOADERS
def test_alias_bomb_is_stopped_by_the_value_budget(loader: type[yaml.SafeLoader]) -> None:
    lines = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]" for i in range(1, 10)]
    line, _, message = only("\n".join(lines) + "\n", loader)
    assert "expands to more than 250,000 values" in message
    # 9**6 > 250,000: the sixth level is where it stops, long before a billion.
    assert line == 6


def test_aliases_within_budget_are_fine() -> None:
    data = parse("base: &b {x: 1}\nuse: *b\n").data
    assert data == {"base": {"x": 1}, "use": {"x": 1}}


@LOADERS
def test_undefined_and_recursive_aliases(loader: type[yaml.SafeLoader]) -> None:
    assert only("a: *nope\n", loader) == (1, 4, "alias '*nope' has no matching anchor before it")
    assert only("a: &a [1, *a]\n", loader) == (1, 11, "alias '*a' refers to a value that contains it")


@LOADERS
@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("[" * 20_000 + "]" * 20_000, 1),
        ("- " * 20_000 + "x\n", 1),
        ("{a: " * 20_000 + "1" + "}" * 20_000, 1),
        ("".join(" " * i + "k:\n" for i in range(100)), 65),
    ],
    ids=["flow-seq", "block-seq", "flow-map", "block-map"],
)
def test_deep_nesting_is_refused_before_composing(loader: type[yaml.SafeLoader], text: str, line: int) -> None:
    # warroom's depth check or libyaml's own limit may refuse first (PyYAML 6.0.4 on stops flow nesting
    # itself): either way the file is refused on its line, with a column and the same hint.
    (issue,) = issues(text, loader)
    assert issue.line == line
    assert issue.col > 1
    assert "flatten the structure" in issue.hint


def test_nesting_that_crashes_libyamls_composer_is_refused_in_a_clean_process(tmp_path: Path) -> None:
    # 500,000 open brackets fit in the size limit and segfault PyYAML's C composer; the loader must
    # never hand them to it. A subprocess, so a regression fails this test instead of killing the run.
    path = tmp_path / "deep.yaml"
    path.write_text("[" * 500_000)
    code = "import sys; from sim.format.loading import check_file; print(check_file(sys.argv[1]).problems[0])"
    proc = subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=60, cwd=Path.cwd()
    )
    assert proc.returncode == 0, proc.stderr
    assert re.fullmatch(rf"{re.escape(str(path))}:1:[1-9][0-9]*: .+ — flatten the structure.*", proc.stdout.strip())


def test_nesting_at_the_limit_is_accepted() -> None:
    data = parse("[" * 64 + "]" * 64).data
    depth = 0
    while isinstance(data, list) and data:
        data, depth = data[0], depth + 1
    assert depth == 63  # the innermost list is empty


@LOADERS
def test_syntax_errors_point_at_the_problem_with_a_hint(loader: type[yaml.SafeLoader]) -> None:
    found = issues("a: b: c\n", loader)
    assert (found[0].line, found[0].col) == (1, 5)
    assert found[0].message.startswith("YAML syntax error: ")
    assert "quoted" in found[0].hint
    tab = issues("a:\n\tb: 1\n", loader)[0]
    assert tab.line == 2
    assert "tabs" in tab.hint


@LOADERS
def test_complex_and_merge_keys(loader: type[yaml.SafeLoader]) -> None:
    assert only("? [a, b]\n: 1\n", loader) == (1, 3, "a key must be a plain value, not a list or a mapping")
    parsed = parse("base: &b {x: 1}\nitem:\n  <<: *b\n", loader)
    assert [(i.line, i.col, i.message) for i in parsed.issues] == [(3, 3, "merge keys ('<<') are not supported")]


def test_decode_refuses_bad_utf8_at_the_first_bad_byte() -> None:
    with pytest.raises(YamlError) as exc:
        decode(b"id: ok\ntitle: caf\xe9\n")
    (issue,) = exc.value.issues
    assert (issue.line, issue.col) == (2, 11)
    assert issue.message == "the file is not valid UTF-8 (byte 0xe9)"


@pytest.mark.parametrize(
    ("data", "pos", "what"),
    [
        (b"id: a\x00b\n", (1, 6), "a NUL byte"),
        (b"a: 1\nb: \x1b[31m\n", (2, 4), "the control character U+001B"),
        (b"a: 1\x7f\n", (1, 5), "the control character U+007F"),
    ],
)
def test_decode_refuses_control_characters(data: bytes, pos: tuple[int, int], what: str) -> None:
    with pytest.raises(YamlError) as exc:
        decode(data)
    (issue,) = exc.value.issues
    assert (issue.line, issue.col) == pos
    assert issue.message == f"the file contains {what}"


def test_decode_drops_a_bom_and_refuses_utf16() -> None:
    assert decode("\ufeffa: 1\n".encode()) == "a: 1\n"
    with pytest.raises(YamlError, match="not valid UTF-8"):
        decode("a: 1\n".encode("utf-16"))


def test_random_binary_is_refused() -> None:
    blob = bytes((i * 97 + 13) % 256 for i in range(4096))
    with pytest.raises(YamlError):
        decode(blob)


def test_read_text_refusals(tmp_path: Path) -> None:
    def message(path: Path) -> str:
        with pytest.raises(YamlError) as exc:
            read_text(path)
        (issue,) = exc.value.issues
        assert (issue.line, issue.col) == (1, 1)
        return issue.message

    assert message(tmp_path / "missing.yaml") == "no such file"
    assert message(tmp_path) == "is a directory, not a YAML file"
    big = tmp_path / "big.yaml"
    with big.open("wb") as fh:  # sparse: 30 MB on paper, nothing on disk, and never read
        fh.truncate(30 * 1024 * 1024)
    assert message(big) == "the file is larger than the 1024 KiB limit"
    at_limit = tmp_path / "limit.yaml"
    at_limit.write_bytes(b"a: " + b"x" * (yamlsafe.MAX_BYTES - 4) + b"\n")
    assert read_text(at_limit).startswith("a: x")
    at_limit.write_bytes(at_limit.read_bytes() + b"y")
    assert message(at_limit) == "the file is larger than the 1024 KiB limit"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_read_text_refuses_a_pipe_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    with pytest.raises(YamlError, match="not a regular file"):
        read_text(fifo)


def test_locate_follows_keys_and_indexes() -> None:
    text = "id: x\nmetrics:\n  - id: a\n    warn: 1\n  - id: b\n    severty: 2\ntrigger:\n  for: 5\n"
    root = compose(text)
    assert locate(root, ("metrics", 1, "severty"), at_key=True) == (6, 5)
    assert locate(root, ("metrics", 1, "severty")) == (6, 14)
    assert locate(root, ("metrics", 0)) == (3, 5)
    assert locate(root, ("trigger", "for")) == (8, 8)
    # Parts that name nothing are skipped: the deepest node found is used.
    assert locate(root, ("metrics", 7, "warn")) == (3, 3)  # the list itself starts at its first "-"
    assert locate(root, ("investigations", "x", "[key]")) == (1, 1)
    # The key of a part that does not match is never used in place of the last one.
    assert locate(root, ("metrics", 0, "nope"), at_key=True) == (3, 5)


def test_load_gives_data_and_nodes_together() -> None:
    data, root = yamlsafe.load("a: [1, 2]\n")
    assert data == {"a": [1, 2]}
    assert locate(root, ("a", 1)) == (1, 8)
    with pytest.raises(YamlError, match="duplicate key"):
        yamlsafe.load("a: 1\na: 2\n")


@LOADERS
def test_parse_matches_pyyaml_on_plain_documents(loader: type[yaml.SafeLoader]) -> None:
    text = Path(__file__).with_name("fixtures").joinpath("scenario.yaml").read_text()
    assert parse(text, loader).data == yaml.load(text, Loader=yaml.SafeLoader)


@pytest.mark.parametrize(
    ("text", "pos", "hint"),
    [
        ("a:\n  - x\n y: 1\n", (3, 2), "check the indentation"),
        ("m:\n  - id: e\n  label: x\n", (3, 3), "an item of this list is mis-indented"),
        ("a: 'open\n", (2, 1), "never closed"),
        ("a: @home\n", (1, 4), "must be quoted"),
        ('a: "C:\\q"\n', (1, 7), "use single quotes"),
    ],
)
def test_common_syntax_errors_come_with_a_hint(text: str, pos: tuple[int, int], hint: str) -> None:
    (issue,) = issues(text)
    assert (issue.line, issue.col) == pos
    assert hint in issue.hint


@LOADERS
def test_an_anchor_defined_twice_is_refused(loader: type[yaml.SafeLoader]) -> None:
    # PyYAML's composer, which positions come from, refuses it; so must the parse that precedes it.
    assert only("a: &x 1\nb: &x [2]\n", loader) == (2, 4, "the anchor '&x' is defined twice")


@LOADERS
def test_a_word_comment_that_cuts_a_plain_value_short_is_a_warning(loader: type[yaml.SafeLoader]) -> None:
    text = (
        "text: post to #incidents now\n"  # cut: the value is "post to"
        "list:\n  - ask in #général\n"
        "ok: value  # a real comment, with a space\n"
        'quoted: "post to #incidents"\n'
        "block: >\n  Label: see #channel\n"
        "url: http://example.com/#top\n"
    )
    parsed = parse(text, loader)
    assert parsed.data["text"] == "post to" and parsed.data["quoted"] == "post to #incidents"
    assert [(i.line, i.col, i.severity) for i in parsed.issues] == [(1, 15, "warning"), (3, 12, "warning")]
    assert parsed.issues[0].message == "'#incidents now' is read as a comment, so the value stops before it"
    assert "quote the value" in parsed.issues[0].hint
