"""A wheel built from the checkout and installed elsewhere writes the default reports from another folder.

Notebooks, templates, lexicons, models and validation figures ship as
package data; nothing may be looked for by walking up from the package to
the checkout.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

from conftest import DEFAULT_ARTICLE, PARTIES, ROOT


def test_wheel_installed_outside_the_checkout_writes_the_reports(tmp_path):
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(dist), str(ROOT)],
                   check=True, capture_output=True, cwd=tmp_path)
    wheel = next(dist.glob("presslens-*.whl"))
    env_dir = tmp_path / "env"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    # Nothing of the checkout on the path (a PYTHONPATH=lib holds its egg-info, and pip would take
    # the wheel for installed already).
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "JUPYTER_PATH")}
    python = env_dir / "bin" / "python"
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               check=True, capture_output=True, text=True).stdout.strip())
    # The dependencies come from this environment's site-packages, added as a plain path
    # entry: its .pth files (among them the editable install of the checkout) are not read.
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([str(python), "-m", "pip", "install", "--no-deps", "--no-index", "--quiet", str(wheel)],
                   check=True, capture_output=True, env=env)
    subprocess.run([str(python), "-m", "ipykernel", "install", "--sys-prefix", "--name", "python3"],
                   check=True, capture_output=True, env=env)
    work = tmp_path / "elsewhere"
    work.mkdir()
    # nbconvert's templates are data files of the dependencies' prefix (in a real install, the same one).
    (env_dir / "share" / "jupyter" / "nbconvert").symlink_to(Path(sys.prefix) / "share" / "jupyter" / "nbconvert")
    where = subprocess.run([str(python), "-c", "import presslens; print(presslens.__file__)"],
                           check=True, capture_output=True, text=True, cwd=work, env=env).stdout.strip()
    assert Path(where).is_relative_to(site), where
    result = subprocess.run([str(python), "-m", "presslens", "report", str(DEFAULT_ARTICLE), "--parties", str(PARTIES),
                             "--out", "out", "--quiet"], capture_output=True, text=True, cwd=work, env=env)
    assert result.returncode == 0, result.stderr[-2000:]
    out = work / "out"
    for name in ("index.html", "01_sourcing_density.html", "02_hedged_claims.html", "03_party_framing.html"):
        assert (out / name).is_file(), name
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["notebooks"]["01_sourcing_density"]["attributions"] > 0
    assert "PolNeAR" in (out / "01_sourcing_density.html").read_text(encoding="utf-8")  # shipped validation figures
    kernel = json.loads((env_dir / "share" / "jupyter" / "kernels" / "python3" / "kernel.json").read_text())
    assert Path(kernel["argv"][0]).parent == python.parent  # the kernels ran the wheel's presslens too
