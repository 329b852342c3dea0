"""`make install` into a temporary root (DESTDIR) installs every file Kwartier needs as a service,
keeps an existing /etc/kwartier/kwartier.yaml, and systemd accepts the unit it installs."""
import os
import pathlib
import shutil
import stat
import subprocess

ROOT = pathlib.Path(__file__).resolve().parents[2]


def install(kwartier, dest):
    return subprocess.run(["make", "-s", "-C", str(ROOT), "install", f"DESTDIR={dest}", f"KWARTIER_BIN={kwartier}"],
                          capture_output=True, text=True, timeout=120)


def names(d, suffix):
    return sorted(p.name for p in d.iterdir() if p.name.endswith(suffix))


def test_make_install_puts_every_file_in_place(kwartier, tmp_path):
    dest = tmp_path / "root"
    r = install(kwartier, dest)
    assert r.returncode == 0, r.stderr
    binary = dest / "usr/bin/kwartier"
    assert binary.read_bytes() == pathlib.Path(kwartier).read_bytes()
    assert stat.S_IMODE(binary.stat().st_mode) == 0o755
    share = dest / "usr/share/kwartier"
    assert names(share / "profiles", ".yaml") == names(ROOT / "Sources/IO/Profiles", ".yaml")
    assert names(share / "scenarios", ".yaml") == names(ROOT / "Scenarios", ".yaml")
    assert names(share / "themes", ".theme") == names(ROOT / "Themes", ".theme")
    assert names(share / "examples", ".yaml") == names(ROOT / "examples", ".yaml")
    unit = (dest / "usr/lib/systemd/system/kwartier.service").read_text()
    assert "ExecStart=/usr/bin/kwartier run --headless --config /etc/kwartier/kwartier.yaml" in unit
    assert "@BINDIR@" not in unit
    for line in ("User=kwartier", "Group=kwartier", "Restart=always", "StateDirectory=kwartier", "Type=notify",
                 "WatchdogSec=30", "ProtectSystem=strict", "NoNewPrivileges=yes", "PrivateTmp=yes", "DevicePolicy=closed"):
        assert line in unit.splitlines(), line
    assert (dest / "usr/lib/sysusers.d/kwartier.conf").read_text().splitlines()[-1] == \
        'u kwartier - "Kwartier energy hub" /var/lib/kwartier'
    etc = dest / "etc/kwartier/kwartier.yaml"
    assert etc.read_text() == (ROOT / "examples/kwartier.yaml").read_text()

    # The installed example is a valid configuration for `kwartier check`.
    r = subprocess.run([str(binary), "check", "--config", str(etc)], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr

    # A second install keeps the site's own configuration.
    etc.write_text("# my site\n")
    r = install(kwartier, dest)
    assert r.returncode == 0, r.stderr
    assert etc.read_text() == "# my site\n"
    assert "kept" in r.stdout


def test_systemd_accepts_the_unit(kwartier, tmp_path):
    analyze = shutil.which("systemd-analyze")
    assert analyze, "systemd-analyze is missing: run scripts/setup-system.sh test"
    dest = tmp_path / "root"
    r = install(kwartier, dest)
    assert r.returncode == 0, r.stderr
    # The root has the installed files; systemd's own units (targets it is ordered after) come
    # from the host.
    (dest / "lib").mkdir()
    os.symlink("/usr/lib/systemd", dest / "lib/systemd")
    r = subprocess.run([analyze, "verify", f"--root={dest}", "kwartier.service"], capture_output=True, text=True, timeout=60)
    assert (r.returncode, r.stderr) == (0, ""), r.stderr
    # It does check: a unit whose binary is missing fails.
    (dest / "usr/bin/kwartier").unlink()
    r = subprocess.run([analyze, "verify", f"--root={dest}", "kwartier.service"], capture_output=True, text=True, timeout=60)
    assert r.returncode != 0 and "/usr/bin/kwartier is not executable" in r.stderr, r.stderr
