"""Build step: copy the curated graph_data/ and the import mappings into the package, so that an
installed wheel finds them (lithiumgraph.shipped); the copies at the repository root stay the ones
people edit."""
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).parent
SHIPPED = {"graph_data": "*.csv", "imports": "**/*"}


class BuildWithData(build_py):
    def run(self):
        super().run()
        target = Path(self.build_lib) / "lithiumgraph" / "shipped"
        shutil.rmtree(target, ignore_errors=True)
        for folder, pattern in SHIPPED.items():
            for src in sorted((ROOT / folder).glob(pattern)):
                if src.is_file():
                    dst = target / src.relative_to(ROOT)
                    dst.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(src, dst)


setup(cmdclass={"build_py": BuildWithData})
