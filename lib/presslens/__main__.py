import os
import signal


def _interrupted_at_start(signum, frame):  # noqa: ANN001
    # Ctrl-C while the command line is still importing: nothing to clean up yet.
    os.write(2, b"presslens: interrupted\n")
    os._exit(130)


# Until presslens.cli.main takes over (it handles both signals from then on).
for _sig in (signal.SIGINT, signal.SIGTERM):
    if signal.getsignal(_sig) is not signal.SIG_IGN:
        signal.signal(_sig, _interrupted_at_start)

from presslens.cli import run  # noqa: E402

run()
