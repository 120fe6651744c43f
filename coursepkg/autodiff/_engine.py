"""Reverse-mode automatic differentiation on scalars (functions of a Value in ``_functions``, traces in ``_trace``).

A :class:`Value` holds a number (``data``, the primal v_i) and its adjoint (``grad``,
vbar_i = dy/dv_i). Every operation records its parents and the local derivatives dv_j/dv_i next to
the forward computation. :meth:`Value.backward` visits the graph in reverse topological order and
applies vbar_i += vbar_j * dv_j/dv_i for every edge i -> j, so a value used twice collects the
adjoints of both branches.

>>> x1, x2 = Value(2.0), Value(5.0)
>>> y = x1.ln() + x1 * x2 - x2.sin()
>>> y.backward()
>>> round(y.data, 3), round(x1.grad, 3), round(x2.grad, 3)
(11.652, 5.5, 1.716)
"""
import itertools
import math
import numbers
import operator

__all__ = ['Value']

# Creation order breaks ties when numbering the intermediates v_1, ..., v_n in a trace; a
# counter is the only way to know it afterwards (it carries no other state).
_creation = itertools.count()
_creation_number = operator.attrgetter("_id")


class Value:
    """A scalar node of a computation graph: primal ``data`` and adjoint ``grad``.

    Parameters
    ----------
    data : float
    label : str, optional
        A name shown in traces and drawings (e.g. "x1").

    Examples
    --------
    >>> a = Value(3.0)
    >>> b = a * a + 2 * a   # a is used on two branches: db/da = 2a + 2
    >>> b.backward()
    >>> a.grad
    8.0
    """

    __slots__ = ("data", "grad", "_parents", "_local", "_op", "_id", "label")

    def __init__(self, data, _parents=(), _local=(), _op="", label=None):
        if isinstance(data, bool) or not isinstance(data, numbers.Real):
            raise TypeError(f"data must be a real number; got {type(data).__name__}")
        if not math.isfinite(data):
            raise ValueError(f"data must be a finite number; got {data!r}")
        self.data = float(data)
        self.grad = 0.0
        self._parents = _parents
        self._local = _local
        self._op = _op
        self._id = next(_creation)
        self.label = label

    def __repr__(self):
        return f"Value(data={self.data:.6g}, grad={self.grad:.6g})"

    @classmethod
    def _node(cls, data, parents, local, op):
        """The result of an operation: ``__init__`` without its checks (data is already a float)."""
        node = object.__new__(cls)
        node.data, node.grad, node._parents, node._local = data, 0.0, parents, local
        node._op, node._id, node.label = op, next(_creation), None
        return node

    # -- arithmetic: result, parents, local derivatives d(result)/d(parent) --------------------
    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        return Value._node(self.data + other.data, (self, other), (1.0, 1.0), "+")

    def __radd__(self, other):
        return Value(other) + self

    def __sub__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        return Value._node(self.data - other.data, (self, other), (1.0, -1.0), "-")

    def __rsub__(self, other):
        return Value(other) - self

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        return Value._node(self.data * other.data, (self, other), (other.data, self.data), "*")

    def __rmul__(self, other):
        return Value(other) * self

    def __truediv__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        if other.data == 0:
            raise ValueError("the divisor must be non-zero; got a Value equal to 0 (the quotient is undefined)")
        q = self.data / other.data
        return Value._node(q, (self, other), (1.0 / other.data, -q / other.data), "/")

    def __rtruediv__(self, other):
        return Value(other) / self

    def __neg__(self):
        return Value._node(-self.data, (self,), (-1.0,), "neg")

    def __pow__(self, k):
        if isinstance(k, Value) or isinstance(k, bool) or not isinstance(k, numbers.Real):
            raise TypeError(f"the exponent must be a constant int or float; got {type(k).__name__}")
        if not math.isfinite(k):
            raise ValueError(f"the exponent must be finite; got {k!r}")
        if k == 0:  # x^0 = 1 for every x (0^0 = 1 as in Python and torch): derivative 0
            return Value._node(1.0, (self,), (0.0,), "^0")
        if self.data == 0 and k < 1:
            raise ValueError(f"0 ** {k} has no finite derivative: the base must be non-zero for an exponent "
                             "below 1")
        if self.data < 0 and k != int(k):
            raise ValueError(f"a negative base needs an integer exponent (the result would be complex); "
                             f"got {self.data:g} ** {k:g}")
        try:
            return Value(self.data ** k, (self,), (k * self.data ** (k - 1),), f"^{k:g}")
        except OverflowError:
            raise ValueError(f"x ** k overflows float64 (largest ~1.8e308) for x = {self.data:g}, k = {k:g}") from None

    # -- functions ----------------------------------------------------------------------------
    def exp(self):
        try:
            e = math.exp(self.data)
        except OverflowError:
            raise ValueError(f"exp(x) overflows float64 (largest ~1.8e308): x must be <= 709.78; got "
                             f"x = {self.data:g}") from None
        return Value._node(e, (self,), (e,), "exp")

    def ln(self):
        if self.data <= 0:
            raise ValueError(f"ln needs a positive argument: x must be > 0; got x = {self.data:g}")
        return Value._node(math.log(self.data), (self,), (1.0 / self.data,), "ln")

    def sin(self):
        return Value._node(math.sin(self.data), (self,), (math.cos(self.data),), "sin")

    def cos(self):
        return Value._node(math.cos(self.data), (self,), (-math.sin(self.data),), "cos")

    def tanh(self):
        t = math.tanh(self.data)
        return Value._node(t, (self,), (1.0 - t * t,), "tanh")

    def sigmoid(self):
        x = self.data
        e = math.exp(-abs(x))  # in (0, 1]: cannot overflow, the one form of every sigmoid in the package
        s = 1.0 / (1.0 + e) if x >= 0 else e / (1.0 + e)
        return Value._node(s, (self,), (s * (1.0 - s),), "sigmoid")

    def relu(self):
        # derivative 0 at the kink, as in torch
        return Value._node(self.data if self.data > 0 else 0.0, (self,), (1.0 if self.data > 0 else 0.0,), "relu")

    # -- reverse pass -------------------------------------------------------------------------
    def topological_order(self):
        """Every node this value depends on, each after all of its parents.

        A node is created after its parents, so sorting the reachable nodes by creation number
        (``_id``) is a topological order: one graph walk and one sort, no recursion.
        """
        seen, stack = {self}, [self]
        while stack:
            for parent in stack.pop()._parents:
                if parent not in seen:
                    seen.add(parent)
                    stack.append(parent)
        return sorted(seen, key=_creation_number)

    def backward(self):
        """Set vbar = dself/dv on every node; leaves accumulate (call again after zeroing them)."""
        order = self.topological_order()
        for node in order:
            if node._parents:
                node.grad = 0.0
        self.grad = 1.0
        for node in reversed(order):
            g = node.grad
            for parent, local in zip(node._parents, node._local):
                parent.grad += local * g
