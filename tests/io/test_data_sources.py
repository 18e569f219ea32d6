"""Data from files: every format and layout binds to the same data as Stan JSON, large files
reach the kernels without a copy, checks work in slices, and every problem is a message that
names the variable (or file, line and column) with what was expected and found."""
import json
import mmap
import os
import sys
import tracemalloc

import numpy as np
import pytest

import vilang
from vilang import cli
from vilang.io import data as data_module
from vilang.io.data import convert
from vilang.model import constraint_message
from vilang.types import UnsizedType

MODEL = """
data {
  int<lower=1> N;
  int<lower=1> K;
  real<lower=0> scale;
  vector[N] y;
  matrix[N, K] X;
  array[N] int<lower=0> counts;
  array[N, 2] real A;
  array[N, 2] int<lower=0> B;
}
parameters { real alpha; vector[K] beta; real<lower=0> sigma; }
model {
  alpha ~ normal(0, scale);
  beta ~ normal(0, 1);
  sigma ~ exponential(1);
  y ~ normal(alpha + X * beta, sigma);
  counts ~ poisson_log(alpha + X * beta);
  for (n in 1:N) {
    A[n] ~ normal(y[n], sigma);
    B[n] ~ poisson(sigma + 1);
  }
}
"""
N, K = 6, 3
SIZES = ("N", "K", "scale")


@pytest.fixture(scope="module")
def model():
    return vilang.compile(code=MODEL, filename="sources.vi")


@pytest.fixture(scope="module")
def values():
    rng = np.random.default_rng(1)
    return dict(N=N, K=K, scale=2.5, y=rng.normal(size=N), X=rng.normal(size=(N, K)),
                counts=rng.integers(0, 5, N), A=rng.normal(size=(N, 2)),
                B=rng.integers(0, 5, (N, 2)))


@pytest.fixture(scope="module")
def reference(model, values, tmp_path_factory):
    """The model bound to the same values written as Stan JSON, and a point to compare at."""
    path = tmp_path_factory.mktemp("ref") / "data.json"
    write_json(path, values)
    bm = model.bind(str(path))
    theta = np.random.default_rng(2).normal(size=bm.param_unc_num())
    return bm, theta


def write_json(path, values):
    path.write_text(json.dumps({k: np.asarray(v).tolist() for k, v in values.items()}))


def table_columns(values, spell=lambda base, j: f"{base}[{j}]"):
    """The non-size variables as table columns: y, X[1..K], counts, A[1..2], B[1..2]."""
    cols = {"y": values["y"], "counts": values["counts"]}
    for base, width in (("X", K), ("A", 2), ("B", 2)):
        for j in range(width):
            cols[spell(base, j + 1)] = values[base][:, j]
    return cols


def write_csv(path, cols: dict, header=True):
    names = list(cols)
    rows = np.column_stack([np.asarray(cols[n], dtype=np.float64) for n in names])
    lines = [",".join(names)] if header else []
    lines += [",".join(repr(float(x)) for x in row) for row in rows]
    path.write_text("\n".join(lines) + "\n")


def assert_same(bm, reference):
    ref, theta = reference
    assert bm.log_density(theta) == ref.log_density(theta)
    assert len(bm.kernels.data) == len(ref.kernels.data)
    for a, b in zip(bm.kernels.data, ref.kernels.data):
        assert type(a) is type(b)
        assert np.asarray(a).dtype == np.asarray(b).dtype
        np.testing.assert_array_equal(a, b)


def file_mapped(a) -> bool:
    """Whether `a`'s memory is a memory-mapped file (its chain of bases ends in an mmap)."""
    while a is not None:
        if isinstance(a, mmap.mmap):
            return True
        a = getattr(a, "base", None)
    return False


def bind_error(model, data) -> str:
    with pytest.raises(vilang.DataError) as info:
        model.bind(data)
    return str(info.value)


# ---------------------------------------------------------------- formats round-trip
def test_dict_of_arrays(model, values, reference):
    assert_same(model.bind(dict(values)), reference)


def test_npz_uncompressed_is_memory_mapped(model, values, reference, tmp_path):
    path = tmp_path / "d.npz"
    np.savez(path, **values)
    bm = model.bind(str(path))
    assert_same(bm, reference)
    assert all(file_mapped(a) for a in bm.data[3:])


def test_npz_compressed_is_read(model, values, reference, tmp_path):
    path = tmp_path / "d.npz"
    np.savez_compressed(path, **values)
    assert_same(model.bind(path), reference)


def test_directory_of_npy_files_with_json_sizes(model, values, reference, tmp_path):
    for name, value in values.items():
        if name not in SIZES:
            np.save(tmp_path / f"{name}.npy", value)
    write_json(tmp_path / "sizes.json", {k: values[k] for k in SIZES})
    bm = model.bind(tmp_path)
    assert_same(bm, reference)
    assert all(file_mapped(a) for a in bm.data[3:])


def test_directory_of_csv_files(model, values, reference, tmp_path):
    for name, value in values.items():
        np.savetxt(tmp_path / f"{name}.csv", np.atleast_1d(value), delimiter=",")
    (tmp_path / "README.txt").write_text("not data")
    assert_same(model.bind(tmp_path), reference)


def test_list_of_single_npy_files_and_dict(model, values, reference, tmp_path):
    paths = []
    for name in ("y", "X", "counts", "A", "B"):
        np.save(tmp_path / f"{name}.npy", values[name])
        paths.append(str(tmp_path / f"{name}.npy"))
    assert_same(model.bind([{k: values[k] for k in SIZES}] + paths), reference)


def test_csv_table_square_brackets(model, values, reference, tmp_path):
    write_csv(tmp_path / "t.csv", table_columns(values))
    write_json(tmp_path / "s.json", {k: values[k] for k in SIZES})
    assert_same(model.bind([tmp_path / "s.json", tmp_path / "t.csv"]), reference)


def test_csv_table_cmdstan_dots_and_pandas(model, values, reference, tmp_path):
    pd = pytest.importorskip("pandas")
    pd.DataFrame(table_columns(values, lambda b, j: f"{b}.{j}")).to_csv(tmp_path / "t.csv",
                                                                         index=False)
    write_json(tmp_path / "s.json", {k: values[k] for k in SIZES})
    assert_same(model.bind([str(tmp_path / "s.json"), str(tmp_path / "t.csv")]), reference)


def test_csv_comments_blank_lines_quotes(model, values, reference, tmp_path):
    write_csv(tmp_path / "t.csv", table_columns(values))
    text = (tmp_path / "t.csv").read_text().splitlines()
    header = ",".join(f'"{c}"' for c in text[0].split(","))
    (tmp_path / "t.csv").write_text("# written by hand\n" + header + "\n\n" +
                                    "\n".join(text[1:]) + "\n")
    assert_same(model.bind([{k: values[k] for k in SIZES}, tmp_path / "t.csv"]), reference)


def test_csv_table_infers_n_from_rows(model, values, reference, tmp_path):
    write_csv(tmp_path / "t.csv", table_columns(values))
    bm = model.bind([{"K": K, "scale": 2.5}, tmp_path / "t.csv"])
    assert_same(bm, reference)


def test_n_not_inferred_when_rows_disagree(model, values, tmp_path):
    cols = table_columns(values)
    write_csv(tmp_path / "t.csv", {k: v for k, v in cols.items() if k != "y"})
    msg = bind_error(model, [{"K": K, "scale": 2.5, "y": values["y"][:4]}, tmp_path / "t.csv"])
    assert msg.startswith(
        "data variable 'N' is missing (declared as int in the data block); it cannot be "
        "inferred from the rows: 'y' has 4, 'X' has 6, 'counts' has 6, 'A' has 6, 'B' has 6; "
        "found ")


def test_n_not_inferred_when_used_other_than_as_a_dimension(tmp_path):
    m = vilang.compile(code="data { int N; vector[N] y; vector[N - 1] d; } "
                            "parameters { real mu; } model { y ~ normal(mu, 1); }",
                       filename="n_minus_1.vi")
    write_csv(tmp_path / "t.csv", {"y": [1.0, 2.0, 3.0]})
    msg = bind_error(m, [{"d": [1.0, 2.0]}, tmp_path / "t.csv"])
    assert msg == ("data variable 'N' is missing (declared as int in the data block); it is "
                   "not inferred from the rows of 'y' because the data block uses it other "
                   f"than as a dimension; found y in '{tmp_path / 't.csv'}'")


# ---------------------------------------------------------------- Parquet
def write_parquet(path, cols: dict):
    pa = pytest.importorskip("pyarrow", reason="pyarrow is not installed")
    import pyarrow.parquet as pq
    pq.write_table(pa.table({k: np.asarray(v) for k, v in cols.items()}), path,
                   row_group_size=4)


def test_parquet_table(model, values, reference, tmp_path):
    write_parquet(tmp_path / "t.parquet", table_columns(values))
    assert_same(model.bind([{k: values[k] for k in SIZES}, tmp_path / "t.parquet"]),
                reference)


def test_parquet_directory_one_file_per_variable(model, values, reference, tmp_path):
    for name, value in values.items():
        grid = np.asarray(value).reshape(np.asarray(value).shape[0] if np.ndim(value) else 1,
                                         -1)
        write_parquet(tmp_path / f"{name}.parquet", {f"c{j}": grid[:, j]
                                                     for j in range(grid.shape[1])})
    assert_same(model.bind(tmp_path), reference)


def test_parquet_nulls(model, values, tmp_path):
    pa = pytest.importorskip("pyarrow", reason="pyarrow is not installed")
    import pyarrow.parquet as pq
    cols = {k: pa.array(np.asarray(v)) for k, v in table_columns(values).items()}
    cols["y"] = pa.array([1.0, 2.0, None, 4.0, 5.0, 6.0])
    pq.write_table(pa.table(cols), tmp_path / "t.parquet")
    msg = bind_error(model, [{k: values[k] for k in SIZES}, tmp_path / "t.parquet"])
    assert msg == (f"column 'y' of '{tmp_path / 't.parquet'}': the value in row 3 is missing "
                   "(null); missing values are not supported")


def test_parquet_without_pyarrow(model, values, tmp_path, monkeypatch):
    path = tmp_path / "t.parquet"
    path.write_bytes(b"PAR1")
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    assert bind_error(model, [{k: values[k] for k in SIZES}, path]) == (
        f"reading the Parquet file '{path}' needs pyarrow, which is not installed: "
        "pip install pyarrow")


# ---------------------------------------------------------------- memory
@pytest.fixture
def linreg():
    return vilang.compile(code="data { int N; int D; matrix[N, D] X; vector[N] y; "
                               "array[N] int c; } parameters { real a; } "
                               "model { y ~ normal(a, 1); }", filename="mm.vi")


@pytest.mark.parametrize("mode", ["r", "c"])
def test_memmaps_in_a_dict_are_not_copied(linreg, tmp_path, mode):
    rng = np.random.default_rng(0)
    np.save(tmp_path / "X.npy", rng.normal(size=(50, 4)))
    np.save(tmp_path / "y.npy", rng.normal(size=50))
    np.save(tmp_path / "c.npy", rng.integers(0, 9, 50).astype(np.int64))
    mm = {k: np.load(tmp_path / f"{k}.npy", mmap_mode=mode) for k in ("X", "y", "c")}
    bm = linreg.bind({"N": 50, "D": 4, **mm})
    for k, a in zip(("X", "y", "c"), bm.kernels.data[2:]):
        assert np.shares_memory(a, mm[k])
    assert np.isfinite(bm.log_density(np.zeros(1)))


def test_other_dtypes_are_converted(linreg):
    X = np.ones((5, 2), dtype=np.float32)
    c = np.arange(5, dtype=np.int32)
    bm = linreg.bind({"N": 5, "D": 2, "X": X, "y": np.zeros(5), "c": c})
    assert bm.data[2].dtype == np.float64 and not np.shares_memory(bm.data[2], X)
    assert bm.data[4].dtype == np.int64 and not np.shares_memory(bm.data[4], c)


def test_npy_files_are_mapped_copy_on_write(linreg, tmp_path):
    """Mapped copy-on-write: writeable arrays (numba types them like in-memory ones, so the
    kernels compiled for in-memory data serve), and the files never change."""
    np.save(tmp_path / "X.npy", np.ones((3, 2)))
    np.save(tmp_path / "y.npy", np.zeros(3))
    np.save(tmp_path / "c.npy", np.zeros(3, dtype=np.int64))
    before = (tmp_path / "X.npy").read_bytes()
    bm = linreg.bind([{"N": 3, "D": 2}, tmp_path])
    assert all(file_mapped(a) and a.flags.writeable for a in bm.data[2:])
    assert np.isfinite(bm.log_density(np.zeros(1)))
    assert (tmp_path / "X.npy").read_bytes() == before


def test_a_file_that_cannot_be_mapped_copy_on_write_is_mapped_read_only(tmp_path, monkeypatch):
    from vilang.io import sources
    np.save(tmp_path / "X.npy", np.ones((3, 2)))
    real_load = np.load

    def refuse_private(path, mmap_mode=None, **kw):
        if mmap_mode == "c":
            raise OSError(12, "Cannot allocate memory")
        return real_load(path, mmap_mode=mmap_mode, **kw)

    monkeypatch.setattr(sources.np, "load", refuse_private)
    arr = sources.load_npy(tmp_path / "X.npy")
    assert file_mapped(arr) and not arr.flags.writeable


def test_integer_check_works_in_slices(tmp_path, monkeypatch):
    """A float file bound to an int container: the check's temporaries are a slice's size,
    so the peak is the int64 result plus little."""
    monkeypatch.setattr(data_module, "CHUNK", 1 << 16)
    n = 2_000_000
    np.save(tmp_path / "c.npy", np.arange(n, dtype=np.float64))
    c = np.load(tmp_path / "c.npy", mmap_mode="r")
    tracemalloc.start()
    try:
        out = convert("c", c, UnsizedType("int", 1))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert out.dtype == np.int64 and out[-1] == n - 1
    assert peak < 8 * n + (4 << 20)


def test_float64_memmap_costs_no_memory(tmp_path):
    np.save(tmp_path / "y.npy", np.zeros(2_000_000))
    y = np.load(tmp_path / "y.npy", mmap_mode="r")
    tracemalloc.start()
    try:
        out = convert("y", y, UnsizedType("vector"))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert np.shares_memory(out, y) and peak < 1 << 16


def test_integer_check_names_element_in_a_later_slice(monkeypatch):
    monkeypatch.setattr(data_module, "CHUNK", 5)
    c = np.zeros((4, 3))
    c[3, 1] = 0.5
    with pytest.raises(vilang.DataError) as info:
        convert("B", c, UnsizedType("int", 2))
    assert str(info.value) == ("data variable 'B': expected integers for type array[,] int, "
                               "got B[4,2] = 0.5, not an integer")
    with pytest.raises(vilang.DataError, match=r"got B\[4,2\] = 0.5"):
        convert("B", np.asfortranarray(c), UnsizedType("int", 2))


def test_constraint_message_works_in_slices(monkeypatch):
    """The first violation in Stan's column-major order, found a slice at a time."""
    monkeypatch.setattr(data_module, "CHUNK", 4)
    X = np.zeros((5, 3))
    X[0, 2] = -1.0        # first in row-major order
    X[4, 1] = -2.0        # first in column-major order
    assert constraint_message("X", "lower", (0,), X) == (
        "data variable 'X': X[5,2] = -2 is below its lower bound 0")
    big = np.zeros(3_000_000)
    big[-1] = 7
    monkeypatch.setattr(data_module, "CHUNK", 1 << 16)
    tracemalloc.start()
    try:
        msg = constraint_message("y", "lower_upper", (0, 1), big)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert msg == "data variable 'y': y[3000000] = 7 is above its upper bound 1"
    assert peak < 2 << 20


# ---------------------------------------------------------------- messages
@pytest.fixture
def table(values, tmp_path):
    """Write a CSV table (the given columns, default all) beside sizes.json; return paths."""
    def make(cols=None, sizes=None, text=None):
        path = tmp_path / "t.csv"
        if text is not None:
            path.write_text(text)
        else:
            write_csv(path, table_columns(values) if cols is None else cols)
        write_json(tmp_path / "s.json", sizes or {k: values[k] for k in SIZES})
        return [str(tmp_path / "s.json"), str(path)]
    return make


def test_missing_column(model, values, table, tmp_path):
    cols = table_columns(values)
    del cols["y"]
    msg = bind_error(model, table(cols))
    assert msg == ("data variable 'y' is missing (declared as vector in the data block); "
                   f"found N, K, scale in '{tmp_path / 's.json'}'; counts, X, A, B in "
                   f"'{tmp_path / 't.csv'}'")


def test_missing_matrix_column(model, values, table, tmp_path):
    cols = table_columns(values)
    del cols["X[2]"]
    assert bind_error(model, table(cols)) == (
        f"data file '{tmp_path / 't.csv'}': column 'X[2]' is missing (the columns of 'X' go "
        "up to 'X[3]' and each one is needed)")


def test_wrong_row_count(model, values, table, tmp_path):
    sizes = {"N": 7, "K": K, "scale": 2.5}
    assert bind_error(model, table(sizes=sizes)) == (
        f"data variable 'y': expected shape (7), got (6) (read from column 'y' of "
        f"'{tmp_path / 't.csv'}')")


def test_ragged_line(model, table, tmp_path):
    msg = bind_error(model, table(text="y,counts\n1.0,2\n3.0\n"))
    assert msg == f"data file '{tmp_path / 't.csv'}', line 3: 1 values, expected 2 (one per column)"


def test_not_a_number_and_empty_cell(model, table, tmp_path):
    assert bind_error(model, table(text="y,counts\n1.0,2\n3.0,abc\n")) == (
        f"data file '{tmp_path / 't.csv'}', line 3, column 'counts': 'abc' is not a number")
    assert bind_error(model, table(text="y,counts\n1.0,2\n3.0,\n")) == (
        f"data file '{tmp_path / 't.csv'}', line 3, column 'counts': the value is missing "
        "(missing values are not supported)")


def test_non_integer_in_int_column(model, values, table, tmp_path):
    cols = table_columns(values)
    cols["counts"] = np.array([1, 1.5, 2, 0, 0, 0])
    assert bind_error(model, table(cols)) == (
        "data variable 'counts': expected integers for type array[] int, got counts[2] = 1.5, "
        f"not an integer (read from column 'counts' of '{tmp_path / 't.csv'}')")


def test_bad_constraint(model, values, table, tmp_path):
    cols = table_columns(values)
    cols["B[2]"] = np.array([0, 0, 1, -3, 0, 0])
    assert bind_error(model, table(cols)) == (
        "data variable 'B': B[4,2] = -3 is below its lower bound 0 (read from columns 'B[1]' "
        f"to 'B[2]' of '{tmp_path / 't.csv'}')")


def test_unknown_extension(model, tmp_path):
    path = tmp_path / "d.txt"
    path.write_text("1")
    assert bind_error(model, path) == (
        f"data file '{path}': unknown format '.txt' (expected .json, .npz, .npy, .csv, "
        ".parquet, or a directory of such files)")


def test_missing_file(model, tmp_path):
    path = tmp_path / "nope.npz"
    assert bind_error(model, str(path)) == (
        f"cannot read data file '{path}': No such file or directory")


def test_duplicate_name_across_sources(model, values, table, tmp_path):
    paths = table()
    write_json(tmp_path / "more.json", {"y": values["y"]})
    assert bind_error(model, paths + [str(tmp_path / "more.json")]) == (
        f"data variable 'y' is given twice: in column 'y' of '{tmp_path / 't.csv'}' and in "
        f"'{tmp_path / 'more.json'}'")


def test_duplicate_name_in_a_directory(model, values, tmp_path):
    np.save(tmp_path / "y.npy", values["y"])
    np.savetxt(tmp_path / "y.csv", values["y"])
    assert bind_error(model, tmp_path) == (
        f"data variable 'y' is given twice: in '{tmp_path / 'y.csv'}' and in "
        f"'{tmp_path / 'y.npy'}'")


def test_duplicate_column_spellings(model, table, tmp_path):
    assert bind_error(model, table(text="X[1],X.1\n1,2\n")) == (
        f"data file '{tmp_path / 't.csv'}': columns 'X[1]' and 'X.1' both give X[1]")


def test_bad_column_name(model, table, tmp_path):
    assert bind_error(model, table(text=",y\n0,1.5\n")) == (
        f"data file '{tmp_path / 't.csv'}': column '' is not a variable name (name a table's "
        "columns y for a vector or array, X[1], X[2], ... (or X.1, X.2, ...) for the columns "
        "of a matrix X; write pandas tables with index=False)")


def test_table_without_header(model, table, tmp_path):
    assert bind_error(model, table(text="1,2\n3,4\n")).startswith(
        f"data file '{tmp_path / 't.csv'}': the first line must name the columns")


def test_skipped_file_is_mentioned_when_missing(model, values, tmp_path):
    (tmp_path / "y.txt").write_text("1\n2\n")
    msg = bind_error(model, [{k: values[k] for k in SIZES}, tmp_path])
    assert msg == ("data variable 'y' is missing (declared as vector in the data block); "
                   f"'{tmp_path / 'y.txt'}' was passed over: '.txt' is not a data format "
                   f"(.npy, .csv, .parquet); found nothing in '{tmp_path}'")


def test_wrong_dimensions_from_npy(model, values, tmp_path):
    np.save(tmp_path / "X.npy", values["y"])
    msg = bind_error(model, [{k: v for k, v in values.items() if k != "X"},
                             str(tmp_path / "X.npy")])
    assert msg == ("data variable 'X': expected 2 dimension(s) for type matrix, got 1 "
                   f"(shape (6,)) (read from '{tmp_path / 'X.npy'}')")


def test_not_a_data_source(model):
    assert bind_error(model, 3) == (
        "data must be a dict, a path (.json, .npz, .npy, .csv, .parquet, or a directory of "
        "such files) or a list of these; got int")


# ---------------------------------------------------------------- command line
def test_cli_repeated_data(values, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "m.vi").write_text(MODEL)
    write_csv(tmp_path / "t.csv", table_columns(values))
    write_json(tmp_path / "s.json", {"K": K})
    code = cli.main(["fit", "m.vi", "--data", "s.json", "--data", "t.csv", "--quiet"])
    err = capsys.readouterr().err
    assert code == 1
    assert err == ("vilang: data error: data variable 'scale' is missing (declared as real in "
                   "the data block); found K in 's.json'; y, counts, X, A, B in 't.csv'\n")
    assert not os.path.exists(tmp_path / "m-fit.csv")
