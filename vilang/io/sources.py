"""Where data comes from: Stan JSON, NumPy .npy/.npz files (memory-mapped), CSV and Parquet
tables, directories of one file per variable, dicts, and lists of these merged.

`read_data(source)` gives a `DataSet`: every name with its value as read (memory maps stay
memory maps; `vilang.io.data.convert` makes kernel arguments of them) and where it came from,
for messages. `infer_sizes` fills in a missing size from the row count of a table. Users'
documentation: docs/data.md.
"""
from __future__ import annotations

import csv
import dataclasses
import os
import re
import warnings
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from vilang.io.data import EIGEN_NDIM, DataError, load_json

# Files are mapped copy-on-write ("c"): the arrays are writeable, so numba types them like
# in-memory ones (a read-only array makes it compile every kernel once more, 20-30 s for a
# model).  Nothing is ever written, so no page is copied.  The kernel charges a private
# writable mapping against its commit limit, though, and a file larger than memory plus
# swap can fail to map that way (ENOMEM): then it is mapped read-only ("r").
MMAP_MODES = ("c", "r")

FORMATS = ".json, .npz, .npy, .csv, .parquet, or a directory of such files"
PER_VARIABLE = (".npy", ".csv", ".parquet", ".pq")
MAPPINGS = (".json", ".npz")

COLUMN = re.compile(r"^([A-Za-z][A-Za-z0-9_]*)(?:\[\s*(\d+(?:\s*,\s*\d+)*)\s*\]|((?:\.\d+)+))?$")
COLUMN_NAMES = ("name a table's columns y for a vector or array, X[1], X[2], ... (or X.1, "
                "X.2, ...) for the columns of a matrix X; write pandas tables with index=False")


@dataclass
class Entry:
    """One variable as read.

    value: an array (perhaps a memory map), nested lists or a number.  origin: where it was
    read ("'d.json'", "column 'y' of 'd.csv'"); None for a dict's values.  rows: the row
    count of the table it is a column of (sizes may be inferred from it).  grid: it is a
    one-variable CSV or Parquet file, a 2-D table of numbers whose number of dimensions
    follows the declaration (one column for a vector, one value for a scalar).  inferred:
    for a size inferred from rows, the variable whose rows gave it."""

    value: object
    origin: str | None = None
    rows: int | None = None
    grid: bool = False
    inferred: str | None = None

    @property
    def note(self) -> str | None:
        """How the value came to be, appended to messages about it."""
        if self.inferred:
            return f"inferred from the rows of {self.inferred}"
        return f"read from {self.origin}" if self.origin else None


@dataclass
class DataSet:
    """Variables from one or more sources.  places: (source, names it gave) per file read,
    for the message about a missing variable; notes: name -> why it could not be inferred."""

    entries: dict = field(default_factory=dict)
    places: list = field(default_factory=list)
    notes: dict = field(default_factory=dict)

    def add(self, name: str, entry: Entry) -> None:
        if name in self.entries:
            raise DataError(f"data variable '{name}' is given twice: "
                            f"{_where(self.entries[name])} and {_where(entry)}")
        self.entries[name] = entry

    def merge(self, other: "DataSet") -> None:
        for name, entry in other.entries.items():
            self.add(name, entry)
        self.places.extend(other.places)
        self.notes.update(other.notes)

    def value(self, name: str, t) -> object:
        """The value of `name` for declared type `t` (a grid takes the declared dims)."""
        entry = self.entries[name]
        if not entry.grid:
            return entry.value
        return _fit_grid(entry.value, t.dims + EIGEN_NDIM[t.base])

    def missing_message(self, name: str, t) -> str:
        msg = f"data variable '{name}' is missing (declared as {t} in the data block)"
        if name in self.notes:
            msg += f"; {self.notes[name]}"
        if self.places:
            found = "; ".join(f"{_list(names) or 'nothing'} in {label}"
                              for label, names in self.places)
            msg += f"; found {found}"
        return msg


def _where(entry: Entry) -> str:
    return f"in {entry.origin}" if entry.origin else "in a dict"


def _list(names, most: int = 12) -> str:
    names = list(names)
    return ", ".join(names[:most]) + (f", ... ({len(names)} in all)" if len(names) > most
                                      else "")


def _fit_grid(a: np.ndarray, ndim: int) -> np.ndarray:
    """A one-variable file's (rows, columns) numbers shaped for `ndim` declared dimensions:
    a single column or row for a vector, a single value for a scalar (views, no copies);
    anything else as it is, for `convert` to report."""
    if ndim == 1 and 1 in a.shape:
        return a.reshape(-1)
    if ndim == 0 and a.size == 1:
        return a.reshape(())
    return a


# ---------------------------------------------------------------- sources
def read_data(source) -> DataSet:
    """Read `source`: None, a dict (values: numbers, nested lists or arrays, memory maps
    included), a path (a file, or a directory of one file per variable), or a list of those,
    merged; a name given by two sources is an error."""
    if source is None:
        return DataSet()
    if isinstance(source, (list, tuple)):
        out = DataSet()
        for s in source:
            out.merge(read_data(s))
        return out
    if isinstance(source, Mapping):
        return _from_mapping(source, None)
    if isinstance(source, (str, os.PathLike)):
        return read_path(Path(source))
    raise DataError(f"data must be a dict, a path ({FORMATS}) or a list of these; got "
                    f"{type(source).__name__}")


def _from_mapping(values: Mapping, origin: str | None) -> DataSet:
    ds = DataSet()
    for name, value in values.items():
        ds.add(str(name), Entry(value, origin))
    return ds


def read_path(path: Path) -> DataSet:
    """One file (its format from its extension) or a directory."""
    if path.is_dir():
        return read_directory(path)
    if not path.exists():
        raise DataError(f"cannot read data file '{path}': No such file or directory")
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise DataError(f"data file '{path}': unknown format "
                        f"'{path.suffix or '(no extension)'}' (expected {FORMATS})")
    ds = reader(path)
    ds.places = [(f"'{path}'", list(ds.entries))]
    return ds


def read_directory(path: Path) -> DataSet:
    """One file per variable: name.npy, name.csv or name.parquet holds variable `name`;
    .json and .npz files hold several. Hidden files and subdirectories are passed over,
    other files too (noted, in case the model misses a variable of that name)."""
    ds, skipped = DataSet(), {}
    for f in sorted(path.iterdir()):
        suffix = f.suffix.lower()
        if f.name.startswith(".") or not f.is_file():
            continue
        if suffix in MAPPINGS:
            ds.merge(READERS[suffix](f))
        elif suffix in PER_VARIABLE:
            ds.add(f.stem, Entry(read_one_variable(f), f"'{f}'", grid=suffix != ".npy"))
        else:
            skipped[f.stem] = f
    ds.places = [(f"'{path}'", list(ds.entries))]
    for stem, f in skipped.items():
        if stem not in ds.entries:
            ds.notes[stem] = (f"'{f}' was passed over: '{f.suffix or '(no extension)'}' is "
                              "not a data format (.npy, .csv, .parquet)")
    return ds


def read_one_variable(path: Path) -> np.ndarray:
    """The value of a one-variable file: a .npy array (memory-mapped), or the numbers of a
    CSV or Parquet file as a (rows, columns) array."""
    suffix = path.suffix.lower()
    if suffix == ".npy":
        return load_npy(path)
    if suffix == ".csv":
        return read_csv(path, header_required=False)[1]
    return read_parquet_grid(path)


def _json(path: Path) -> DataSet:
    return _from_mapping(load_json(path), f"'{path}'")


def _npy(path: Path) -> DataSet:
    ds = DataSet()
    ds.add(path.stem, Entry(load_npy(path), f"'{path}'"))
    return ds


# ---------------------------------------------------------------- NumPy files
def load_npy(path: Path) -> np.ndarray:
    """A .npy file, memory-mapped (see MMAP_MODES)."""
    try:
        arr = _mapped(lambda mode: np.load(path, mmap_mode=mode, allow_pickle=False))
    except OSError as err:
        raise DataError(f"cannot read data file '{path}': {err.strerror or err}") from None
    except ValueError as err:
        raise DataError(f"data file '{path}' is not an array of numbers: {err}") from None
    if not isinstance(arr, np.ndarray):
        raise DataError(f"data file '{path}' is not a .npy file (an .npz archive? name it "
                        ".npz)")
    return arr


def read_npz(path: Path) -> DataSet:
    """An .npz archive, one variable per member. Members stored uncompressed (np.savez) are
    memory-mapped; compressed ones (np.savez_compressed) are read into memory."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as err:
        raise DataError(f"data file '{path}' is not an .npz archive: {err}") from None
    ds = DataSet()
    with archive:
        for info in archive.infolist():
            if info.filename.endswith(".npy"):
                name = info.filename[:-4]
                where = f"member '{name}' of '{path}'"
                ds.add(name, Entry(_npz_member(path, archive, info, where), where))
    return ds


def _npz_member(path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo, where: str):
    if info.compress_type == zipfile.ZIP_STORED and not info.flag_bits & 1:
        mapped = _map_stored_member(path, info)
        if mapped is not None:
            return mapped
    try:
        with archive.open(info) as f:
            return np.lib.format.read_array(f, allow_pickle=False)
    except (ValueError, OSError, zipfile.BadZipFile) as err:
        raise DataError(f"{where} is not an array of numbers: {err}") from None


def _map_stored_member(path: Path, info: zipfile.ZipInfo):
    """A memory map of an uncompressed .npz member, or None where it cannot be mapped (an
    object or empty array, an unusual header): its data starts after the zip local header
    (30 bytes, the file name, an extra field) and the .npy header."""
    with open(path, "rb") as f:
        f.seek(info.header_offset)
        local = f.read(30)
        if len(local) != 30 or local[:4] != b"PK\x03\x04":
            return None
        name_len = int.from_bytes(local[26:28], "little")
        extra_len = int.from_bytes(local[28:30], "little")
        start = info.header_offset + 30 + name_len + extra_len
        f.seek(start)
        try:
            version = np.lib.format.read_magic(f)
            if version == (1, 0):
                shape, fortran, dtype = np.lib.format.read_array_header_1_0(f)
            elif version == (2, 0):
                shape, fortran, dtype = np.lib.format.read_array_header_2_0(f)
            else:
                return None
        except ValueError:
            return None
        offset = f.tell()
    count = int(np.prod(shape, dtype=np.int64))
    if dtype.hasobject or count == 0 or offset - start + count * dtype.itemsize > info.file_size:
        return None
    return _mapped(lambda mode: np.memmap(path, dtype=dtype, mode=mode, offset=offset,
                                          shape=shape, order="F" if fortran else "C"))


def _mapped(open_as):
    """open_as(mode) for the first of MMAP_MODES the system allows."""
    for mode in MMAP_MODES[:-1]:
        try:
            return open_as(mode)
        except (OSError, MemoryError, ValueError) as err:
            if isinstance(err, ValueError) and "mmap" not in str(err).lower():
                raise
    return open_as(MMAP_MODES[-1])


# ---------------------------------------------------------------- tables
def parse_column(label: str, col: str) -> tuple[str, tuple[int, ...]]:
    """'y' -> ('y', ()); 'X[2]' and 'X.2' -> ('X', (2,)); 'A[1,3]' and 'A.1.3' -> ('A', (1, 3))."""
    m = COLUMN.match(col.strip())
    if not m:
        raise DataError(f"data file {label}: column '{col}' is not a variable name "
                        f"({COLUMN_NAMES})")
    text = m.group(2) or (m.group(3) or "")[1:].replace(".", ",")
    index = tuple(int(i) for i in text.split(",")) if text else ()
    if 0 in index:
        raise DataError(f"data file {label}: column '{col}': indexes start at 1")
    return m.group(1), index


def column_groups(label: str, names: list[str]) -> dict[str, list[tuple[tuple, int]]]:
    """Variable -> [(index within a row, column position)] for a table's columns, checked:
    one spelling of each element, the same number of indexes throughout a variable, and no
    holes ('X[1]', 'X[3]' without 'X[2]')."""
    groups, seen = {}, {}
    for pos, col in enumerate(names):
        if col.startswith("__index_level_"):       # pandas' index, in Parquet files
            continue
        base, index = parse_column(label, col)
        if (base, index) in seen:
            raise DataError(f"data file {label}: columns '{names[seen[base, index]]}' and "
                            f"'{col}' both give {_element(base, index)}")
        seen[base, index] = pos
        groups.setdefault(base, []).append((index, pos))
    for base, cols in groups.items():
        _check_complete(label, base, cols, names)
    return groups


def _element(base: str, index: tuple) -> str:
    return f"{base}[{','.join(map(str, index))}]" if index else base


def _check_complete(label: str, base: str, cols: list, names: list[str]) -> None:
    lengths = sorted({len(index) for index, _ in cols})
    if len(lengths) > 1:
        a = next(names[p] for i, p in cols if len(i) == lengths[0])
        b = next(names[p] for i, p in cols if len(i) == lengths[-1])
        raise DataError(f"data file {label}: columns '{a}' and '{b}' give '{base}' "
                        "different numbers of indexes")
    extents = _extents(cols)
    if len(cols) == int(np.prod(extents, dtype=np.int64)):
        return
    present = {index for index, _ in cols}
    hole = next(tuple(i + 1 for i in k) for k in np.ndindex(*extents)
                if tuple(i + 1 for i in k) not in present)
    raise DataError(f"data file {label}: column '{_element(base, hole)}' is missing (the "
                    f"columns of '{base}' go up to '{_element(base, extents)}' and each one "
                    "is needed)")


def _extents(cols: list) -> tuple[int, ...]:
    n = len(cols[0][0])
    return tuple(max(index[k] for index, _ in cols) for k in range(n))


def _build_table(label: str, names: list[str], rows: int, dtype_of, fill) -> DataSet:
    """A DataSet with one entry per variable of a table. dtype_of(positions) is the dtype of
    a variable made of those columns; fill(position, out) writes a column into `out`."""
    ds = DataSet()
    for base, cols in column_groups(label, names).items():
        extents = _extents(cols)
        out = np.empty((rows,) + extents, dtype=dtype_of([p for _, p in cols]))
        for index, pos in cols:
            fill(pos, out[(slice(None),) + tuple(i - 1 for i in index)])
        origin = (f"column '{names[cols[0][1]]}' of {label}" if not extents else
                  f"columns '{names[cols[0][1]]}' to '{names[cols[-1][1]]}' of {label}")
        ds.add(base, Entry(out, origin, rows=rows))
    return ds


# ---------------------------------------------------------------- CSV
def read_csv_table(path: Path) -> DataSet:
    """A CSV table with a header: a column per variable (see parse_column)."""
    names, table = read_csv(path, header_required=True)

    def fill(pos, out):
        out[...] = table[:, pos]
    return _build_table(f"'{path}'", names, table.shape[0], lambda _: np.float64, fill)


def read_csv(path: Path, header_required: bool) -> tuple[list[str] | None, np.ndarray]:
    """(column names or None, the numbers as a (rows, columns) float64 array). Lines starting
    with '#' and blank lines are passed over; the first other line is the header when any of
    its fields is not a number."""
    header, skip, ncols = _csv_header(path)
    if header is None and header_required:
        raise DataError(f"data file '{path}': the first line must name the columns ("
                        f"{COLUMN_NAMES}); a file of numbers only holds one variable: put it "
                        "in a directory as <name>.csv")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)     # "input contained no data"
            table = np.loadtxt(path, delimiter=",", skiprows=skip, ndmin=2, dtype=np.float64,
                               quotechar='"', comments="#", encoding="utf-8-sig")
    except ValueError as err:
        raise DataError(_csv_problem(path, skip, ncols, header) or
                        f"data file '{path}': {err}") from None
    if table.size == 0:
        table = np.empty((0, ncols))
    if table.shape[1] != ncols:
        raise DataError(_csv_problem(path, skip, ncols, header) or
                        f"data file '{path}': expected {ncols} values per line, got "
                        f"{table.shape[1]}")
    return header, table


def _csv_header(path: Path) -> tuple[list[str] | None, int, int]:
    """(header or None, lines before the numbers, number of columns)."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:
            for lineno, line in enumerate(f, 1):
                if not line.strip() or line.lstrip().startswith("#"):
                    continue
                fields = next(csv.reader([line]))
                if all(_is_number(x) for x in fields):
                    return None, lineno - 1, len(fields)
                return [x.strip() for x in fields], lineno, len(fields)
    except OSError as err:
        raise DataError(f"cannot read data file '{path}': {err.strerror or err}") from None
    except UnicodeDecodeError:
        raise DataError(f"data file '{path}' is not UTF-8 text") from None
    raise DataError(f"data file '{path}' is empty")


def _csv_problem(path: Path, skip: int, ncols: int, header) -> str | None:
    """The first bad line of a CSV file, in words (only called once reading has failed)."""
    with open(path, newline="", encoding="utf-8-sig") as f:
        for _ in range(skip):
            f.readline()
        reader = csv.reader(f)
        for fields in reader:
            line = skip + reader.line_num
            if not fields or not "".join(fields).strip() or fields[0].lstrip().startswith("#"):
                continue
            if len(fields) != ncols:
                return (f"data file '{path}', line {line}: {len(fields)} values, expected "
                        f"{ncols} (one per column)")
            for j, x in enumerate(fields):
                column = f"column '{header[j]}'" if header else f"column {j + 1}"
                if not x.strip():
                    return (f"data file '{path}', line {line}, {column}: the value is missing "
                            "(missing values are not supported)")
                if not _is_number(x):
                    return f"data file '{path}', line {line}, {column}: '{x}' is not a number"
    return None


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


# ---------------------------------------------------------------- Parquet
def _parquet_module(path: Path):
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise DataError(f"reading the Parquet file '{path}' needs pyarrow, which is not "
                        "installed: pip install pyarrow") from None
    return pq


def _open_parquet(path: Path):
    pq = _parquet_module(path)
    try:
        return pq.ParquetFile(path, memory_map=True)
    except Exception as err:  # noqa: BLE001 - pyarrow raises several kinds for a bad file
        raise DataError(f"data file '{path}' is not a Parquet file: {err}") from None


def read_parquet_table(path: Path) -> DataSet:
    """A Parquet table: a column per variable (see parse_column). Columns are read one at a
    time, so at most one column's Arrow data is held beside the arrays being filled."""
    pf = _open_parquet(path)
    names = pf.schema_arrow.names
    label = f"'{path}'"

    def fill(pos, out):
        col = pf.read(columns=[names[pos]], use_threads=False).column(0)
        _arrow_into(col, out, f"column '{names[pos]}' of {label}")
    return _build_table(label, names, pf.metadata.num_rows,
                        lambda cols: _arrow_dtype(pf, cols, label), fill)


def read_parquet_grid(path: Path) -> np.ndarray:
    """A one-variable Parquet file: its columns, in order, as a (rows, columns) array."""
    pf = _open_parquet(path)
    names = [n for n in pf.schema_arrow.names if not n.startswith("__index_level_")]
    positions = [pf.schema_arrow.names.index(n) for n in names]
    out = np.empty((pf.metadata.num_rows, len(names)),
                   dtype=_arrow_dtype(pf, positions, f"'{path}'"))
    for j, pos in enumerate(positions):
        col = pf.read(columns=[names[j]], use_threads=False).column(0)
        _arrow_into(col, out[:, j], f"column '{names[j]}' of '{path}'")
    return out


def _arrow_dtype(pf, positions: list[int], label: str):
    """int64 when every column is a (signed, up to 64-bit or unsigned, up to 32-bit) integer
    or boolean, else float64; a column of anything but numbers is an error."""
    import pyarrow as pa
    schema = pf.schema_arrow
    dtype = np.int64
    for pos in positions:
        t = schema.field(pos).type
        if not (pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_boolean(t)):
            raise DataError(f"data file {label}: column '{schema.names[pos]}' holds {t} "
                            "values, not numbers")
        if pa.types.is_floating(t) or pa.types.is_uint64(t):
            dtype = np.float64
    return dtype


def _arrow_into(col, out: np.ndarray, where: str) -> None:
    """Copy an Arrow column into `out`, a chunk at a time; nulls are an error."""
    if col.null_count:
        import pyarrow.compute as pc
        row = pc.index(col.is_null(), True).as_py() + 1
        raise DataError(f"{where}: the value in row {row} is missing (null); missing values "
                        "are not supported")
    pos = 0
    for chunk in col.chunks:
        n = len(chunk)
        out[pos:pos + n] = chunk.to_numpy(zero_copy_only=False)
        pos += n


READERS = {".json": _json, ".npy": _npy, ".npz": read_npz, ".csv": read_csv_table,
           ".parquet": read_parquet_table, ".pq": read_parquet_table}


# ---------------------------------------------------------------- sizes from rows
def infer_sizes(ds: DataSet, decls) -> None:
    """Fill in a missing `int N` from the row count of a table when that is unambiguous.

    `decls` are the model's (name, var, SizedType) data declarations. N is inferred when it
    is missing, a table column gives a variable declared with leading dimension N, every
    data declaration that mentions N uses it as a whole dimension (vector[N], array[N, K];
    not N - 1, nor a bound), and every supplied variable with leading dimension N agrees on
    it. Otherwise N stays missing and the message says why it was not inferred."""
    for name, var, _ in decls:
        if name in ds.entries or var.type.dims or var.type.base != "int":
            continue
        users = [(n, v.type) for n, v, s in decls if n in ds.entries and _leading(s) == name]
        tables = [n for n, _ in users if ds.entries[n].rows is not None]
        if not tables:
            continue
        if not _only_dimension(name, decls):
            ds.notes[name] = (f"it is not inferred from the rows of '{tables[0]}' because the "
                              "data block uses it other than as a dimension")
            continue
        extents = {n: _leading_extent(ds.value(n, t)) for n, t in users}
        if len(set(extents.values())) != 1 or None in extents.values():
            ds.notes[name] = ("it cannot be inferred from the rows: " +
                              ", ".join(f"'{n}' has {k}" for n, k in extents.items()))
            continue
        ds.entries[name] = Entry(extents[tables[0]], inferred=ds.entries[tables[0]].origin)


def _leading(sized) -> str | None:
    """The name of a declaration's first dimension when it is a plain variable."""
    from vilang.syntax import ast
    dims = tuple(sized.array_dims) + tuple(sized.sizes)
    return dims[0].name if dims and isinstance(dims[0], ast.Var) else None


def _only_dimension(name: str, decls) -> bool:
    """Whether data declarations mention `name` only as a whole dimension."""
    from vilang.syntax import ast
    for _, _, sized in decls:
        for d in tuple(sized.array_dims) + tuple(sized.sizes):
            if not (isinstance(d, ast.Var) and d.name == name) and name in _names(d):
                return False
        if sized.constraint is not None and name in _names(sized.constraint):
            return False
    return True


def _names(node) -> set[str]:
    """Every variable named in an AST node."""
    from vilang.syntax import ast
    if isinstance(node, ast.Var):
        return {node.name}
    if isinstance(node, (list, tuple)):
        return set().union(*(_names(x) for x in node)) if node else set()
    if dataclasses.is_dataclass(node):
        return set().union(*(_names(getattr(node, f.name)) for f in dataclasses.fields(node)
                             if f.name not in ("ty", "loc", "data_only")))
    return set()


def _leading_extent(value) -> int | None:
    if isinstance(value, np.ndarray):
        return int(value.shape[0]) if value.ndim else None
    if isinstance(value, (list, tuple)):
        return len(value)
    return None
