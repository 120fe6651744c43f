"""The `coursepkg` command: figures, exercises, notebooks and check-env.

    coursepkg figures list [--chapter N]
    coursepkg figures build [--chapter N] [--name GLOB] [--format svg,pdf,png] [--style slides|book]
                            [--dpi N] [--transparent] --out DIR
    coursepkg exercises list
    coursepkg exercises build [--solutions DIR] [--out DIR] [--check]
    coursepkg notebooks sync-setup [--config _config.yml] [--check] NOTEBOOK...
    coursepkg check-env
"""
import argparse
import sys

__all__ = ["main", "build_parser"]


def _figures_list(args):
    from .figures import select

    for spec in select(args.chapter, args.name):
        print(f"ch{spec.chapter}  {spec.name:<28} {spec.caption}")
    return 0


def _figures_build(args):
    from .figures import build

    formats = tuple(f.strip() for f in args.format.split(",") if f.strip())
    paths = build(args.out, chapter=args.chapter, pattern=args.name, formats=formats, style=args.style,
                  dpi=args.dpi, transparent=args.transparent, progress=True)
    print(f"wrote {len(paths)} files to {args.out}/")
    return 0


def _exercises_list(args):
    from .exercises import all_exercises

    for exercise in all_exercises().values():
        print(f"{exercise.id:<6} {exercise.name:<26} {exercise.title} ({exercise.points:g} pt)")
    return 0


def _exercises_build(args):
    from .exercises.notebook import build_exercises

    touched = build_exercises(args.solutions, args.out, check=args.check)
    if args.check:
        if touched:
            print("out of date (run `coursepkg exercises build`): " + ", ".join(map(str, touched)))
            return 1
        print(f"{args.out}/ is up to date with {args.solutions}/")
        return 0
    print(f"wrote {len(touched)} notebook(s)" + ("".join(f"\n  {p}" for p in touched) if touched else "; all up to date"))
    return 0


def _sync_setup(args):
    from .colab import sync_setup_cells

    changed = sync_setup_cells(args.notebooks, config=args.config, check=args.check)
    for path in changed:
        print(("stale setup cell: " if args.check else "updated: ") + str(path))
    return 1 if (args.check and changed) else 0


def _check_env(args):
    from .environment import _accelerator, environment_report, format_report

    rows = environment_report()
    print(format_report(rows, _accelerator()))
    return 1 if any(status in ("missing", "too old") for *_, status in rows) else 0


def build_parser():
    parser = argparse.ArgumentParser(prog="coursepkg", description="Tools for the machine-learning course.")
    sub = parser.add_subparsers(dest="command", required=True)

    figures = sub.add_parser("figures", help="list or build the lecture figures").add_subparsers(dest="action", required=True)
    p = figures.add_parser("list", help="every registered figure with its chapter and caption")
    p.add_argument("--chapter", type=int)
    p.add_argument("--name", help="glob on figure names, e.g. 'activation*'")
    p.set_defaults(func=_figures_list)
    p = figures.add_parser("build", help="write figures as svg/pdf/png")
    p.add_argument("--chapter", type=int)
    p.add_argument("--name", help="glob on figure names")
    p.add_argument("--format", default="svg,pdf,png", help="comma-separated subset of svg,pdf,png")
    p.add_argument("--style", default="slides", choices=["slides", "book"])
    p.add_argument("--dpi", type=int, help="raster resolution (png); default from the style")
    p.add_argument("--transparent", action="store_true", help="transparent background")
    p.add_argument("--out", required=True, help="output folder")
    p.set_defaults(func=_figures_build)

    exercises = sub.add_parser("exercises", help="list exercises or build student notebooks").add_subparsers(dest="action", required=True)
    p = exercises.add_parser("list", help="every graded exercise")
    p.set_defaults(func=_exercises_list)
    p = exercises.add_parser("build", help="write exercises/ from solutions/")
    p.add_argument("--solutions", default="solutions")
    p.add_argument("--out", default="exercises")
    p.add_argument("--check", action="store_true", help="write nothing; fail if exercises/ is out of date")
    p.set_defaults(func=_exercises_build)

    notebooks = sub.add_parser("notebooks", help="maintain the book's notebooks").add_subparsers(dest="action", required=True)
    p = notebooks.add_parser("sync-setup", help="write the Colab setup cell from _config.yml")
    p.add_argument("notebooks", nargs="+")
    p.add_argument("--config", default="_config.yml")
    p.add_argument("--check", action="store_true")
    p.set_defaults(func=_sync_setup)

    p = sub.add_parser("check-env", help="installed versions vs the versions the book was tested with")
    p.set_defaults(func=_check_env)
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (ValueError, FileNotFoundError) as exc:
        print(f"coursepkg: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
