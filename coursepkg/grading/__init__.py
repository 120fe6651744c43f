"""The batch grader behind ``coursepkg grade``.

Each submission runs in a fresh child process under bubblewrap (:mod:`.sandbox`, :mod:`.child`) that computes the
student's answers on the grader's inputs and writes them as data (:mod:`.protocol`); this process
computes the references and compares (:mod:`.grader`), so nothing the student's code patches can
change a verdict; the verdicts are typed records (:mod:`.records`). :mod:`.batch` grades folders in parallel, :mod:`.report` writes the gradebook,
feedback and Gradescope ``results.json``, :mod:`.submission` reads notebooks and flags uses of
the package's own answers, :mod:`.identity` names the student of each notebook.
"""
from .batch import GradingInterrupted, find_submissions, grade_batch, grade_gradescope, load_private_checks
from .grader import GradeOptions, grade_notebook, references_for
from .records import ExerciseResult, GradeRecord
from .sandbox import SandboxUnavailable

__all__ = ["GradeOptions", "GradeRecord", "ExerciseResult", "grade_notebook", "references_for", "grade_batch",
           "grade_gradescope", "find_submissions", "load_private_checks", "GradingInterrupted", "SandboxUnavailable"]
