"""The on-disk cache of generated modules, keyed by the model text and the versions of
vilang, numba and Python.  numba caches the machine code beside each module file."""
from __future__ import annotations

import hashlib
import importlib.util
import os
import sys
from pathlib import Path

import numba


def cache_root() -> Path:
    env = os.environ.get("VILANG_CACHE_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(Path.home(), ".cache")
    return Path(base) / "vilang"


def model_key(model_text: str) -> str:
    import vilang
    h = hashlib.sha256()
    for part in (model_text, vilang.__version__, numba.__version__, sys.version,
                 runtime_digest()):
        h.update(part.encode())
        h.update(b"\0")
    return h.hexdigest()[:24]


_RUNTIME_DIGEST: list[str] = []


def runtime_digest() -> str:
    """A hash of the runtime and code generator sources.  numba's cache of a kernel includes
    the code of the runtime functions it calls but checks only the kernel's own file, so a
    changed runtime must change the key."""
    if not _RUNTIME_DIGEST:
        h = hashlib.sha256()
        root = Path(__file__).resolve().parents[1]
        for sub in ("runtime", "codegen"):
            for path in sorted((root / sub).glob("*.py")):
                h.update(path.read_bytes())
        _RUNTIME_DIGEST.append(h.hexdigest())
    return _RUNTIME_DIGEST[0]


def load_module(key: str, source: str):
    """Write `source` for `key` (only when not already there, so numba's cache stays valid)
    and import it."""
    folder = cache_root() / key
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"vilang_model_{key}.py"
    if not path.exists() or path.read_text() != source:
        tmp = path.with_suffix(f".{os.getpid()}.tmp")     # concurrent processes: no clash
        tmp.write_text(source)
        tmp.replace(path)
    name = f"vilang_model_{key}"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
