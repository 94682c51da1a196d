import sys

from presslens.cli import main

sys.exit(main())
