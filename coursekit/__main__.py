"""``python -m coursekit``: print the environment report."""

import sys

from .doctor import main

sys.exit(main())
