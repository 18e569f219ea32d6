"""What op emitters need to know about the kernel they write into."""
from __future__ import annotations

from dataclasses import dataclass, field

from vilang.errors import Loc
from vilang.ir import nodes as I
from vilang.codegen.writer import Writer, literal


@dataclass
class Site:
    """A place in the model where a kernel can fail, and the message to show."""

    loc: Loc
    message: str


@dataclass
class KernelContext:
    w: Writer
    sites: list[Site]
    fail_stmt: str = "return -np.inf"       # how this kernel gives up after setting err
    gradient: bool = False
    modules: dict[str, str] = field(default_factory=dict)   # python module -> alias

    def bar(self, v) -> str:
        return "b_" + v.name

    def val(self, x) -> str:
        """The expression for an operand."""
        if isinstance(x, I.Const):
            return literal(x.value) if x.type.base != "real" else literal(float(x.value))
        return x.name

    def real(self, x) -> str:
        """An operand as a float (int promotes to real)."""
        if isinstance(x, I.Const):
            return literal(float(x.value))
        if x.type.base == "int" and x.type.dims == 0:
            return f"float({x.name})"
        return x.name

    def site(self, loc: Loc, message: str) -> int:
        self.sites.append(Site(loc, message))
        return len(self.sites)

    def fail_if(self, condition: str, loc: Loc, message: str):
        """Emit `if condition: record the site and give up`."""
        sid = self.site(loc, message)
        with self.w.block(f"if {condition}:"):
            self.w.line(f"err[0] = {sid}")
            self.w.line(self.fail_stmt)

    def acc(self, target: str, value: str, array: bool, scale: str | None = None):
        """Emit `target += [scale *] value`; arrays go through a cached runtime helper (numba
        compiles its own array arithmetic anew in every process, at a cost of seconds)."""
        if not array:
            self.w.line(f"{target} += {scale + ' * ' if scale else ''}{value}")
        elif scale:
            self.w.line(f"_rt.acc_scaled({target}, {scale}, {value})")
        else:
            self.w.line(f"_rt.acc({target}, {value})")

    def ref(self, fn) -> str:
        """A reference to a runtime function object, via its module's alias."""
        py = getattr(fn, "py_func", fn)
        module = py.__module__
        alias = self.modules.setdefault(module, f"_m{len(self.modules)}")
        return f"{alias}.{py.__name__}"
