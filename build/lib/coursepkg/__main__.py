"""`python -m coursepkg` is the `coursepkg` command."""
import sys

from .cli import main

sys.exit(main())
