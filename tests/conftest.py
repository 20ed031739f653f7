import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
# Test the working tree (src/), not whatever copy of policykb is installed; the installed
# command itself is exercised by tests/cli/test_installed.py.
sys.path.insert(0, str(HERE.parent / "src"))
# Tests import the helpers module beside them.
sys.path.insert(0, str(HERE))
