"""Which playbook a scenario gets, read lazily (`Library.playbooks`, a `sim.format.library.Playbooks`): the same
answers as reading every file, in the same precedence, from only the files that can hold the id asked for."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sim.format import library
from sim.format.loading import Result
from sim.format.playbook import Playbook

FIXTURES = Path(__file__).with_name("fixtures")
PLAYBOOK = FIXTURES / "playbook.yaml"  # id: tiny
SCENARIO = FIXTURES / "scenario.yaml"  # names playbook tiny


def write_playbook(path: Path, playbook_id: str, name: str, *, id_as_written: str | None = None) -> Path:
    text = PLAYBOOK.read_text().replace("id: tiny", f"id: {id_as_written or playbook_id}", 1)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text.replace("name: Tiny playbook", f"name: {name}", 1))
    return path


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A user's playbooks, an extra dir, and a scenario folder with playbooks at every level beside it: the
    ids `tiny` and `other` are each declared in several places, so precedence decides."""
    home = tmp_path / "home"
    monkeypatch.setenv("WARROOM_HOME", str(home))
    write_playbook(home / "playbooks" / "a.yaml", "tiny", "User")
    write_playbook(home / "playbooks" / "b.yaml", "other", "User other")
    write_playbook(tmp_path / "extra" / "x.yaml", "tiny", "Extra")
    write_playbook(tmp_path / "drills" / "playbooks" / "tiny.yaml", "tiny", "Beside the folder")
    write_playbook(tmp_path / "drills" / "ops" / "playbooks" / "z.yaml", "other", "Beside it, in playbooks/")
    write_playbook(tmp_path / "drills" / "ops" / "other.yaml", "other", "Next to it")
    (tmp_path / "drills" / "ops" / "scenario.yaml").write_text(SCENARIO.read_text())
    return tmp_path


def extra_dir(tree: Path) -> library.Library:
    """The library with the tree's extra dir of playbooks (`warroom run --scenarios DIR`)."""
    return library.Library((), [tree / "extra"])


def eager(tree: Path, extra: dict[str, Playbook] | None = None) -> dict[str, Playbook]:
    """What reading every file gives, in the loader's documented precedence."""
    scenario = tree / "drills" / "ops" / "scenario.yaml"
    return {
        **{e.playbook.id: e.playbook for e in extra_dir(tree).playbook_entries() if e.playbook},
        **(extra or {}),
        **library._nearby_playbooks(scenario),
    }


def test_lookups_agree_with_reading_every_file(tree: Path) -> None:
    scenario = tree / "drills" / "ops" / "scenario.yaml"
    everything = eager(tree)
    for playbook_id in ["tiny", "other", "samplemind", "nope"]:
        lazy = extra_dir(tree).playbooks(scenario)
        assert lazy.get(playbook_id) == everything.get(playbook_id)
    lazy = extra_dir(tree).playbooks(scenario)
    assert dict(lazy) == everything and len(lazy) == len(everything)
    assert lazy["tiny"].name == "Beside the folder" and lazy["other"].name == "Next to it"


def test_a_playbook_given_loaded_sits_between_the_dirs_and_the_files_beside(tree: Path) -> None:
    scenario = tree / "drills" / "ops" / "scenario.yaml"
    given = library.Library().playbooks(scenario)["tiny"].model_copy(update={"name": "Given", "id": "given"})
    lazy = extra_dir(tree).playbooks(scenario, {"given": given, "other": given})
    assert lazy["given"] is given and lazy.file_of("given") is None
    assert lazy["other"].name == "Next to it"  # the file beside the scenario still wins
    assert dict(lazy) == eager(tree, {"given": given, "other": given})


def test_file_of_names_the_file_the_playbook_was_read_from(tree: Path) -> None:
    scenario = tree / "drills" / "ops" / "scenario.yaml"
    lazy = extra_dir(tree).playbooks(scenario)
    assert lazy.file_of("tiny") == tree / "drills" / "playbooks" / "tiny.yaml"
    assert lazy.file_of("other") == tree / "drills" / "ops" / "other.yaml"
    assert lazy.file_of("nope") is None
    # Without the files beside it, the extra dir, then the user's dir, then the bundled ones.
    elsewhere = tree / "elsewhere" / "scenario.yaml"
    assert extra_dir(tree).playbooks(elsewhere).file_of("tiny") == tree / "extra" / "x.yaml"
    assert library.Library().playbooks(elsewhere).file_of("other") == tree / "home" / "playbooks" / "b.yaml"
    bundled = library.Library().playbooks(elsewhere).file_of("samplemind")
    assert bundled is not None and bundled.parent.name == "playbooks" and bundled.stem == "samplemind"


def test_a_lookup_reads_only_the_files_that_may_hold_the_id(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    read: list[str] = []
    check_file = library.check_file

    def recording(path: str | Path, *a: Any, **k: Any) -> Result:
        read.append(Path(path).name)
        return check_file(path, *a, **k)

    monkeypatch.setattr(library, "check_file", recording)
    scenario = tree / "drills" / "ops" / "scenario.yaml"
    lazy = extra_dir(tree).playbooks(scenario)
    assert lazy["other"].name == "Next to it"
    assert read == ["other.yaml"]  # the top layer that declares it; nothing below is read
    read.clear()
    assert lazy["samplemind"].id == "samplemind"
    assert read == ["samplemind.yaml"]  # of the bundled ones, only the file that names it
    read.clear()
    assert lazy["other"].name == "Next to it" and read == []  # asked again: remembered


def test_a_file_that_declares_the_id_but_does_not_load_is_passed_over(tree: Path) -> None:
    broken = tree / "drills" / "ops" / "broken.yaml"
    broken.write_text(PLAYBOOK.read_text().replace("name: Tiny playbook", "name: [not, text]"))
    scenario = tree / "drills" / "ops" / "scenario.yaml"
    lazy = extra_dir(tree).playbooks(scenario)
    assert lazy["tiny"].name == "Beside the folder"
    assert dict(lazy) == eager(tree)


def test_an_id_written_with_an_escape_is_still_found(tree: Path) -> None:
    escaped = write_playbook(tree / "drills" / "ops" / "escaped.yaml", "tiny", "Escaped", id_as_written='"t\\x69ny"')
    assert "tiny" not in escaped.read_text()  # the id's text is nowhere in the file as such
    scenario = tree / "drills" / "ops" / "scenario.yaml"
    lazy = extra_dir(tree).playbooks(scenario)
    assert lazy["tiny"].name == "Escaped"
    assert lazy.file_of("tiny") == escaped
