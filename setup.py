"""Build step that pyproject.toml cannot declare: ship the top-level data folders inside the package.

``migrations/`` and ``questionnaires/`` stay at the top of the checkout (where people edit them), and are
copied into ``surveyapp/_bundled/`` of the wheel, so an installed package migrates and publishes on its own.
The interface catalogs are compiled into the wheel too: ``*.mo`` files are not kept in git.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
BUNDLED = ("migrations", "questionnaires")


class BuildWithData(build_py):
    def run(self) -> None:
        super().run()
        if self.editable_mode:  # an editable install reads the checkout's folders directly
            return
        target = Path(self.build_lib) / "surveyapp" / "_bundled"
        for name in BUNDLED:
            shutil.rmtree(target / name, ignore_errors=True)
            shutil.copytree(ROOT / name, target / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        self._compile_catalogs(Path(self.build_lib) / "surveyapp" / "translations")

    @staticmethod
    def _compile_catalogs(translations: Path) -> None:
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        for po_path in translations.glob("*/LC_MESSAGES/messages.po"):
            with po_path.open("rb") as po_file:
                catalog = read_po(po_file)
            with po_path.with_suffix(".mo").open("wb") as mo_file:
                write_mo(mo_file, catalog)


setup(cmdclass={"build_py": BuildWithData})
