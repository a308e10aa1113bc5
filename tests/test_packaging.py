"""The Linux bundle builds, and the built program passes its own self-test on a demo database."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the Linux bundle is built here")
def test_linux_bundle_builds_and_passes_self_test(tmp_path: Path) -> None:
    if shutil.which("pyinstaller", path=str(Path(sys.executable).parent)) is None:
        pytest.fail("PyInstaller is not installed: `pip install -e .[test]` installs it")
    build = subprocess.run(
        ["bash", str(ROOT / "packaging" / "build_linux.sh")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    program = ROOT / "dist" / "ppg-desktop" / "ppg-desktop"
    assert program.exists()
    for extra in ("ppg-desk.desktop", "ppg-desk.png", "install.sh"):
        assert (program.parent / extra).exists(), extra
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "HOME": str(tmp_path),
        "XDG_DATA_HOME": str(tmp_path / "data"),
    }
    db = tmp_path / "demo.db"
    demo = subprocess.run(
        [str(program), "demo", "--db", str(db), "--size", "300"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert demo.returncode == 0, demo.stderr[-3000:]
    test = subprocess.run(
        [str(program), "--self-test", "--db", str(db)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert test.returncode == 0, test.stdout[-3000:] + test.stderr[-3000:]
    assert "screen Dashboard ok" in test.stdout
    assert "self-test passed" in test.stdout
