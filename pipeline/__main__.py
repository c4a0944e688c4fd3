"""python -m pipeline: the command line (pipeline/cli/main.py)."""
import sys

from pipeline.cli.main import main

sys.exit(main())
