"""L1: `warroom validate scenarios/` against plain C-accelerated YAML loading of the same files. S1: validating
ten times the files. S2: refusing a file of 20,000 unknown keys against parsing its YAML. S3: the memory of a
report on a journal of a million events against parsing its lines."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import yaml

from scenarios import ROOT
from sim.format import loading
from sim.format.library import Library, expand, validate_paths
from tests.bench.harness import Figure, median_pair, peak_rss_kib


def l1(repeat: int = 15) -> Figure:
    """What the command does (`validate_paths`, as `warroom validate` calls it), in process: the command's
    interpreter start-up is T1's kind of cost, not the loader's."""
    files = [p for p in expand([ROOT]) if p.suffix in (".yaml", ".yml")]

    def plain() -> None:
        for path in files:  # reading the files is part of both sides
            yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)

    def validate() -> None:
        loading._playbook_cache.clear()  # every run does the whole job: no results kept from the last one
        results = validate_paths([ROOT])
        assert len(results) == len(files) and all(r.ok for r in results), [str(p) for r in results
                                                                            for p in r.problems][:5]  # fmt: skip

    ours, base, ratio = median_pair(validate, plain, repeat=repeat)
    return Figure("L1", f"validate scenarios/ ({len(files)} files)", f"{ours * 1000:.1f} ms",
                  f"{base * 1000:.1f} ms CSafeLoader", ratio, "≤ 2×", ratio <= 2.0, repeat)  # fmt: skip


def s1(repeat: int = 5) -> Figure:
    """`validate` on ten copies of the bundled library against one copy: checking must scale with the files."""
    with tempfile.TemporaryDirectory(prefix="warroom-s1-") as tmp:
        one, ten = Path(tmp) / "one", Path(tmp) / "ten"
        shutil.copytree(ROOT, one / "copy0", ignore=shutil.ignore_patterns("*.py", "__pycache__"))
        for i in range(10):
            shutil.copytree(one / "copy0", ten / f"copy{i}")
        files = len(expand([one]))

        def check(where: Path, n: int) -> None:
            loading._playbook_cache.clear()
            assert len(validate_paths([where])) == n

        ours, base, ratio = median_pair(lambda: check(ten, files * 10), lambda: check(one, files), repeat=repeat)
    return Figure("S1", f"validate on 10× the files ({files * 10} vs {files})", f"{ours * 1000:.0f} ms",
                  f"{base * 1000:.0f} ms for {files}", ratio, "≤ 12×", ratio <= 12.0, repeat)  # fmt: skip


def s2(repeat: int = 5, keys: int = 20_000) -> Figure:
    """A scenario with 20,000 unknown keys, refused with its first problems and a count of the rest."""
    text = (ROOT / "library" / "tutorial.yaml").read_text(encoding="utf-8")
    text += "".join(f"zz_unknown_{i}: {i}\n" for i in range(keys))
    with tempfile.TemporaryDirectory(prefix="warroom-s2-") as tmp:
        path = Path(tmp) / "many-keys.yaml"
        path.write_text(text, encoding="utf-8")
        library = Library.bundled()

        def refuse() -> None:
            result = library.check(path)
            assert not result.ok and result.problems[-1].message.startswith("… and")

        ours, base, ratio = median_pair(
            refuse, lambda: yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader), repeat=repeat
        )
    return Figure("S2", f"refuse a file of {keys:,} unknown keys", f"{ours * 1000:.0f} ms",
                  f"{base * 1000:.0f} ms CSafeLoader", ratio, "≤ 3×", ratio <= 3.0, repeat)  # fmt: skip


def s3(events: int = 1_000_000) -> Figure:
    """`warroom report --format md` on a journal of a million events (a tutorial drill's start, then chat
    injects every half second), in a fresh process, against one that only parses every line with `json`."""
    import json

    from click.testing import CliRunner

    from tui.cli import main

    with tempfile.TemporaryDirectory(prefix="warroom-s3-") as tmp:
        small, big = Path(tmp) / "small.jsonl", Path(tmp) / "big.jsonl"
        assert CliRunner().invoke(main, ["run", "tutorial", "--until", "1s", "--journal", str(small)]).exit_code == 0
        start = small.read_text(encoding="utf-8").splitlines()[:2]  # the header and drill.started
        with big.open("w", encoding="utf-8") as out:
            out.write("\n".join(start) + "\n")
            for i in range(events - 1):
                text = f"Any news on the uploads? ({i})"
                line = {"t": 10.0 + i * 0.5, "kind": "inject", "id": f"chat-{i}", "inject_kind": "chat",
                        "sender": "support_lead", "text": text, "sender_title": ""}  # fmt: skip
                out.write(json.dumps(line, separators=(",", ":")) + "\n")
        report = ("from click.testing import CliRunner\nfrom tui.cli import main\n"
                  f"r = CliRunner().invoke(main, ['report', {str(big)!r}, '--format', 'md'])\n"
                  "assert r.exit_code == 0, r.output[-500:]")  # fmt: skip
        parse = f"import json\nrows = [json.loads(line) for line in open({str(big)!r}, encoding='utf-8')]"
        ours, base = peak_rss_kib(report), peak_rss_kib(parse)
    ratio = ours / base
    return Figure("S3", f"peak RSS, report on {events:,} journal events", f"{ours / 1024:.0f} MiB",
                  f"{base / 1024:.0f} MiB json.loads of every line", ratio, "≤ 2×", ratio <= 2.0, 1)  # fmt: skip
