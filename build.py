"""Build the bloc's website: python build.py [build|serve|check|new] --help."""

import sys

from sitegen.cli import main

if __name__ == "__main__":
    sys.exit(main())
