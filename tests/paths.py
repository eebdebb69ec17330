"""Where the tests' files live, computed once: the demo pages and the golden HTML pages."""

from __future__ import annotations

from pathlib import Path

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
DEMO = ROOT / "demo"
PAGES = TESTS / "data" / "pages"

# The five demo pages by the seed number the tests call them.
DEMO_FILES = {
    "000": "000_1dc0e116d5bd7aa3.txt",
    "001": "001_724fd7ab271b279b.txt",
    "002": "002_2291f5ab7e80b420.txt",
    "003": "003_6a95b925a5cc9ef6.txt",
    "004": "004_31caa0d164b498d3.txt",
}


def demo_text(seed: str) -> str:
    """The raw text of one demo page."""
    return (DEMO / DEMO_FILES[seed]).read_text(encoding="utf-8")


# A file every corpus-reading test needs; scripts/test.sh checks the same one.
CORPORA_PROBE = "en_reuters21578.jsonl"


def corpora_problem(folder: Path) -> str | None:
    """Why the shared corpora cannot be read from `folder` (settings.CORPORA_DIR), or None."""
    if (folder / CORPORA_PROBE).is_file():
        return None
    return (
        f"the test corpora are not in {folder} (no {CORPORA_PROBE}): set CORPORA_DIR to the "
        "shared corpora folder (by default ../shared/corpora beside the checkout), e.g. "
        "CORPORA_DIR=/path/to/corpora make test-fast"
    )
