"""A stock `wagtail start` site with the plugin installed, as docs/installation.md says.

    python scripts/host_check.py [--python python3.13] [--plugin dist/*.whl] [--keep]

Makes a fresh virtualenv (the newest Django that Wagtail 8.0 allows on that Python), installs
the plugin (the wheel in dist/ when there is one, else this checkout), and for each place a
host puts the six apps in `INSTALLED_APPS` (prepended, and appended after Wagtail's own as
most people add apps) runs `wagtail start`, adds the apps and the one URL include, and
checks: `manage.py check` clean; `migrate` leaves the host's site root, home page and
workflows as they were; a review index under the home page; `import_reviews --publish
--parent` of two reviews; the review page in the host's own base.html with facts, credits,
characters, sections and JSON-LD; a filmography; both APIs embedding the credits; a valid
OpenAPI document; no 500 on a huge v3 offset (`scripts/host_probe.py` runs inside the
site). Exit status 0 when every check holds.
"""

from __future__ import annotations

import argparse
import glob
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parent.parent
SAMPLES = ["copper-saints.txt", "lantern-keeper.txt"]
APPS = [
    "people",
    "review_pages",
    "wagtail_modeladmin",
    "wagtail.contrib.routable_page",
    "wagtail.api.v2",
    "rest_framework",
]


def run(*command, cwd=None, env=None, capture=False) -> str:
    print("$", " ".join(str(part) for part in command), flush=True)
    result = subprocess.run(  # noqa: S603 - our own fixed commands
        [str(part) for part in command],
        cwd=cwd,
        env=env,
        check=True,
        text=True,
        stdout=subprocess.PIPE if capture else None,
    )
    return result.stdout if capture else ""


def default_python() -> str:
    """Python 3.13 (Django 6.1 needs 3.12+): on PATH, or among pyenv's versions."""
    pyenv_root = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
    found = sorted(glob.glob(os.path.join(pyenv_root, "versions", "3.13*", "bin", "python3.13")))
    return found[-1] if found else (shutil.which("python3.13") or sys.executable)


ORDERS = ("prepended", "appended")


def add_plugin_to_settings(settings_file: Path, order: str) -> None:
    """The six apps at the top of `wagtail start`'s INSTALLED_APPS, or at its end."""
    text = settings_file.read_text()
    start = "INSTALLED_APPS = [\n"
    if start not in text:
        raise SystemExit(f"unexpected wagtail start settings: {settings_file}")
    lines = "".join(f'    "{app}",\n' for app in APPS)
    if order == "prepended":
        settings_file.write_text(text.replace(start, start + lines, 1))
        return
    begin = text.index(start) + len(start)
    end = text.index("]\n", begin)
    settings_file.write_text(text[:end] + lines + text[end:])


def add_include_to_urls(urls_file: Path) -> None:
    text = urls_file.read_text()
    marker = 'path("search/", search_views.search, name="search"),\n'
    if marker not in text:
        raise SystemExit(f"unexpected wagtail start urls: {urls_file}")
    include = '    path("api/", include("review_pages.api.urls")),\n'
    urls_file.write_text(text.replace(marker, marker + include, 1))


def check_site(python: Path, venv: Path, workdir: Path, order: str) -> bool:
    """A new `wagtail start` site, migrated as its owner has it, then the plugin added with
    its apps `order` (prepended or appended): check, migrate, the probe's checks."""
    print(f"== a stock site with the plugin's apps {order}", flush=True)
    name = f"host{order}"
    run(venv / "bin" / "wagtail", "start", name, cwd=workdir)
    site = workdir / name
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": f"{name}.settings.dev"}
    env.pop("DATABASE_URL", None)
    env["HOST_CHECK_SAMPLES"] = os.pathsep.join(str(CHECKOUT / "samples" / s) for s in SAMPLES)
    env["HOST_CHECK_STATE"] = str(workdir / f"{name}-state.json")
    probe = CHECKOUT / "scripts" / "host_probe.py"
    # The stock site first, as its owner has it: migrated, its state recorded.
    run(python, "manage.py", "migrate", "--noinput", "-v0", cwd=site, env=env)
    run(python, probe, "record", cwd=site, env=env)
    # Then the plugin, as docs/installation.md says.
    add_plugin_to_settings(site / name / "settings" / "base.py", order)
    add_include_to_urls(site / name / "urls.py")
    try:
        checked = run(python, "manage.py", "check", cwd=site, env=env, capture=True)
    except subprocess.CalledProcessError:
        print(f"FAIL: manage.py check fails with the apps {order}")
        return False
    print(checked)
    if "System check identified no issues" not in checked:
        print(f"FAIL: manage.py check is not clean with the apps {order}")
        return False
    run(python, "manage.py", "migrate", "--noinput", "-v0", cwd=site, env=env)
    try:
        run(python, probe, "verify", cwd=site, env=env)
    except subprocess.CalledProcessError:
        print(f"FAIL: the probe's checks with the apps {order}")
        return False
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", default=default_python())
    parser.add_argument("--plugin", help="a wheel or path to install (default: dist/*.whl)")
    parser.add_argument("--keep", action="store_true", help="keep the site's folder")
    args = parser.parse_args()

    wheels = sorted(CHECKOUT.glob("dist/wagtail_film_reviews-*.whl"))
    plugin = args.plugin or (str(wheels[-1]) if wheels else str(CHECKOUT))
    workdir = Path(tempfile.mkdtemp(prefix="host-check-"))
    try:
        venv = workdir / "venv"
        run(args.python, "-m", "venv", venv)
        python = venv / "bin" / "python"
        run(python, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
        run(python, "-m", "pip", "install", "--quiet", "wagtail>=8.0,<8.1")
        run(python, "-m", "pip", "install", "--quiet", plugin, "openapi-spec-validator")
        run(python, "-m", "pip", "list", "--format=freeze", capture=False)
        # The plugin is installed but not yet in any site: `wagtail start` sites don't know it.
        failed = [order for order in ORDERS if not check_site(python, venv, workdir, order)]
        if failed:
            print(f"FAIL: the host check failed with the apps {' and '.join(failed)}")
            return 1
        print("host check: every check holds, apps prepended and appended")
        return 0
    finally:
        if args.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
