"""Formatting shared by the terminal table and the book page.

Rounding: times to 3 significant digits (whole seconds from 100 s), ratios ours/ref to 2 decimals,
speed-ups to 1 decimal, peak memory to 0.1 MiB.
"""
__all__ = ["fmt_seconds", "fmt_ratio", "fmt_goal", "fmt_flag", "fmt_peak", "format_table"]


def fmt_seconds(t):
    """Seconds to 3 significant digits (whole seconds from 100 s on): 0.0123, 1.23, 123."""
    return f"{t:.0f}" if t >= 100 else f"{t:.3g}"


def fmt_ratio(row):
    """ours / reference to 2 decimals; rows with a '>=' goal add the speed-up, 1 decimal: '0.02 (47.3x faster)'."""
    text = f"{row['ratio']:.2f}"
    if (row.get("goal") or "").startswith(">="):
        text += f" ({row['ref'] / row['ours']:.1f}x faster)"
    return text


def fmt_goal(goal):
    """'<= 1.2' (bounds ours/ref) -> '<= 1.2'; '>= 30' (bounds the speed-up) -> '>= 30x'; None -> '-'."""
    if goal is None:
        return "-"
    op, _, value = goal.partition(" ")
    return f"{op} {value}" if op == "<=" else f"{op} {value}x"


def fmt_flag(value):
    """True -> 'yes', False -> 'NO', None -> '-'."""
    return "-" if value is None else ("yes" if value else "NO")


def fmt_peak(mb):
    """Peak memory in MiB to 0.1, or '-' when not measured."""
    return "-" if mb is None else f"{mb:.1f}"


def format_table(results):
    """A plain-text table of the results for the terminal."""
    head = ("benchmark", "ours s", "reference", "ref s", "ours/ref", "goal", "met", "agree", "peak MiB")
    lines = [head]
    for r in results["rows"]:
        lines.append((r["key"], fmt_seconds(r["ours"]), r["reference"], fmt_seconds(r["ref"]), fmt_ratio(r),
                      fmt_goal(r["goal"]), fmt_flag(r["met"]), fmt_flag(r["agree"]), fmt_peak(r["peak_mb"])))
    widths = [max(len(line[k]) for line in lines) for k in range(len(head))]
    m = results["machine"]
    title = f"{m['cpu']}, {m['cores']} cores" + (f", GPU {m['gpu']}" if m.get("gpu") else ", no GPU")
    return "\n".join([title] + ["  ".join(cell.ljust(w) for cell, w in zip(line, widths)).rstrip() for line in lines])
