"""The `coursepkg` command: figures, exercises, notebooks, check-env, grade and bench.

    coursepkg figures list [--chapter N]
    coursepkg figures build [--chapter N] [--name GLOB] [--format svg,pdf,png] [--style slides|book]
                            [--dpi N] [--transparent] [--jobs J] --out DIR
    coursepkg figures gallery [--check]
    coursepkg exercises list
    coursepkg exercises build [--solutions DIR] [--out DIR] [--check]
    coursepkg notebooks sync-setup [--config _config.yml] [--check] NOTEBOOK...
    coursepkg check-env
    coursepkg grade SUBMISSIONS... --out DIR [--chapter N] [--timeout S] [--memory MB] [--jobs J]
                    [--checks DIR] [--resume] [--deadline ISO] [--no-sandbox]
    coursepkg grade --gradescope [--autograder-root /autograder] [--no-sandbox]
    coursepkg manual collect DIR          (derivations graded by hand; DIR is grade's --out)
    coursepkg manual merge DIR [--scores CSV]
    coursepkg bench [--quick] [--gpu] [--json FILE] [--only NAME,...] [--repeat N]
    coursepkg bench report RESULTS.json [RESULTS_GPU.json ...] --out book/performance.md
"""
import argparse
import faulthandler
import os
import signal
import sys
import time

__all__ = ["main", "build_parser"]


def _figures_list(args):
    from .figures import select

    for spec in select(args.chapter, args.name):
        print(f"ch{spec.chapter}  {spec.name:<28} {spec.caption}")
    return 0


def _figures_build(args):
    from .figures import build

    formats = tuple(f.strip() for f in args.format.split(",") if f.strip())
    start = time.perf_counter()
    paths = build(args.out, chapter=args.chapter, pattern=args.name, formats=formats, style=args.style,
                  dpi=args.dpi, transparent=args.transparent, progress=True, jobs=args.jobs)
    print(f"wrote {len(paths)} files to {args.out}/ in {time.perf_counter() - start:.1f} s "
          f"({args.jobs} process{'es' if args.jobs > 1 else ''})")
    return 0


def _figures_gallery(args):
    from .figures.gallery import write_gallery

    result = write_gallery(args.book, check=args.check)
    if args.check:
        for line in result:
            print(line)
        print("gallery is up to date" if not result else "run `coursepkg figures gallery` to refresh it on purpose")
        return 1 if result else 0
    print(f"wrote {len(result)} files under {args.book}/")
    return 0


def _exercises_list(args):
    from .exercises import all_derivations, all_exercises

    for exercise in all_exercises().values():
        print(f"{exercise.id:<6} {exercise.name:<26} {exercise.title} ({exercise.points:g} pt, {exercise.kind})")
    for derivation in all_derivations().values():
        print(f"{derivation.id:<6} {'(derivation)':<26} {derivation.title} ({derivation.points:g} pt, graded by hand)")
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
    from .environment import describe_accelerator, environment_report, format_report

    rows = environment_report()
    print(format_report(rows, describe_accelerator()))
    return 1 if any(status in ("missing", "too old") for *_, status in rows) else 0


def _grade(args):
    from .grading import GradeOptions, GradingInterrupted, SandboxUnavailable, grade_batch, grade_gradescope
    from .grading.records import NOT_RUN

    for name, value in (("--timeout", args.timeout), ("--call-timeout", args.call_timeout), ("--memory", args.memory)):
        if not value > 0:  # also refuses nan
            raise ValueError(f"{name} must be a positive number; got {value:g}")
    if args.jobs < 1:
        raise ValueError(f"--jobs must be at least 1; got {args.jobs}")
    try:  # a grader that seems stuck shows where: kill -USR1 <pid> prints every thread's stack
        faulthandler.register(signal.SIGUSR1, file=sys.__stderr__, all_threads=True)
    except (AttributeError, ValueError, OSError):  # no SIGUSR1 (Windows), or no real stderr to write to
        pass
    options = GradeOptions(timeout=args.timeout, memory_mb=args.memory, call_timeout=min(args.call_timeout, args.timeout),
                           sandbox=not args.no_sandbox)
    if args.no_sandbox:
        print("coursepkg: warning: --no-sandbox: submissions run without isolation (recorded in every output)",
              file=sys.stderr)
    try:
        if args.gradescope:
            record = grade_gradescope(args.autograder_root, chapter=args.chapter, options=options, checks=args.checks)
            print(f"{record.status}: {record.score:g}/{record.max_score:g}")
            return 0
        if not args.submissions or not args.out:
            raise ValueError("give SUBMISSIONS... and --out DIR (or --gradescope)")
        records = grade_batch(args.submissions, args.out, chapter=args.chapter, options=options, jobs=args.jobs,
                              checks=args.checks, resume=args.resume, deadline=args.deadline, progress=not args.quiet)
    except SandboxUnavailable as exc:
        print(f"coursepkg: error: {exc}", file=sys.stderr)
        return 2
    except GradingInterrupted as exc:
        done = sum(r.counted for r in exc.records)
        print(f"coursepkg: {exc}: {done} graded, gradebook: {args.out}/gradebook.csv", file=sys.stderr)
        return 128 + exc.signum
    graded = [r for r in records if r.status not in NOT_RUN]
    bad = sum(r.status != "graded" for r in graded)
    listed = [r for r in records if r.status in NOT_RUN]
    print(f"graded {len(graded)} submission(s) ({bad} not gradable in full); gradebook: {args.out}/gradebook.csv")
    for r in listed:
        print(f"  {r.status}: {r.student}: {r.submission} ({r.reason})")
    return 0


def _manual(args):  # derivations graded by hand: coursepkg.grading.manual
    from .grading.manual import collect_manual, merge_manual

    if args.action == "collect":
        n = collect_manual(args.out)
        print(f"collected {n} answer(s): {args.out}/manual/*.md; fill in {args.out}/manual/scores.csv, then merge")
    else:
        rows = merge_manual(args.out, args.scores)
        print(f"merged manual scores into {args.out}/gradebook.csv ({len(rows)} rows) and results/*/results.json")
    return 0


def _bench(args):
    from .bench.runner import main_run

    return main_run(args)


def _bench_report(args):
    from .bench.report import main_report

    return main_report(args)


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
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                   help="worker processes (default: the number of CPUs); the files are the same")
    p.set_defaults(func=_figures_build)
    p = figures.add_parser("gallery", help="write the book's gallery page and its images (the image baselines)")
    p.add_argument("--book", default="book")
    p.add_argument("--check", action="store_true", help="write nothing; fail if a figure or the page changed")
    p.set_defaults(func=_figures_gallery)

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

    p = sub.add_parser("grade", help="grade submitted exercise notebooks (CSV gradebook, feedback, results.json)")
    p.add_argument("submissions", nargs="*", help="notebooks or folders of notebooks")
    p.add_argument("--out", help="output folder: gradebook.csv, feedback/, results/, records/")
    p.add_argument("--chapter", type=int, help="grade this chapter's exercises (default: guessed per notebook)")
    from .grading import GradeOptions  # the defaults live with the options they configure

    p.add_argument("--timeout", type=float, default=GradeOptions.timeout,
                   help=f"CPU seconds per notebook (default {GradeOptions.timeout:g}; a wall-clock ceiling of 3x "
                        "stops sleeping notebooks)")
    p.add_argument("--call-timeout", type=float, default=GradeOptions.call_timeout,
                   help=f"CPU seconds per call of a student function (default {GradeOptions.call_timeout:g})")
    p.add_argument("--memory", type=int, default=GradeOptions.memory_mb,
                   help=f"address-space limit per notebook, MB (default {GradeOptions.memory_mb})")
    p.add_argument("--jobs", type=int, default=1, help="notebooks graded in parallel (default 1)")
    p.add_argument("--checks", help="folder of private checks: *.py files defining EXERCISES")
    p.add_argument("--resume", action="store_true", help="reuse records of unchanged notebooks in --out")
    p.add_argument("--deadline", help="ISO date-time; notebooks modified later are marked late")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--gradescope", action="store_true", help="Gradescope autograder: grade ROOT/submission")
    p.add_argument("--autograder-root", default="/autograder", help="Gradescope root (default /autograder)")
    p.add_argument("--no-sandbox", action="store_true",
                   help="run submissions without bubblewrap (only for trusted notebooks; recorded in every output)")
    p.set_defaults(func=_grade)

    manual = sub.add_parser("manual", help="derivations graded by hand: collect, then merge the scores")
    manual = manual.add_subparsers(dest="action", required=True)
    p = manual.add_parser("collect", help="one page of answers per student and a scores.csv to fill in")
    p.add_argument("out", help="the folder `coursepkg grade --out` wrote")
    p.set_defaults(func=_manual)
    p = manual.add_parser("merge", help="add the filled-in scores to gradebook.csv and results.json")
    p.add_argument("out", help="the folder `coursepkg grade --out` wrote")
    p.add_argument("--scores", help="the filled-in CSV (default OUT/manual/scores.csv)")
    p.set_defaults(func=_manual)

    p = sub.add_parser("check-env", help="installed versions vs the versions the book was tested with")
    p.set_defaults(func=_check_env)

    bench = sub.add_parser("bench", help="time the course's algorithms against scikit-learn, torch and micrograd")
    bench.add_argument("--quick", action="store_true", help="small sizes, one repeat: a few seconds in all")
    bench.add_argument("--gpu", action="store_true", help="add the GPU rows (needs CUDA; fails clearly without)")
    bench.add_argument("--json", metavar="FILE", help="also write the results (with the machine) as JSON")
    bench.add_argument("--only", metavar="NAME,...", help="comma-separated benchmarks, e.g. knn,mlp")
    bench.add_argument("--repeat", type=int, help="timed runs per side (default 3; 1 with --quick)")
    bench.add_argument("--gpu-device", default="cuda", help=argparse.SUPPRESS)  # "cpu": test the GPU rows here
    bench.set_defaults(func=_bench)
    p = bench.add_subparsers(dest="action").add_parser("report", help="write the book's performance page from JSON")
    p.add_argument("results", nargs="+", help="results JSON files, one per machine")
    p.add_argument("--out", default="book/performance.md", help="the page to write (default book/performance.md)")
    p.set_defaults(func=_bench_report)
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
