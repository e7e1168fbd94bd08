"""Build of the optional compiled matching core (``rumrules/pattern/_ccore.c``).

pyproject.toml holds the metadata; this file only adds the C extension.  It is optional:
without a working C compiler (or Python headers) the build says so and goes on, and
rumrules runs on its pure-Python core (``rumrules.pattern.MATCHING_CORE == "python"``).
"""

import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext


class OptionalBuildExt(build_ext):
    """build_ext that never fails the install: a compiler error leaves the Python core."""

    def run(self):
        try:
            super().run()
        except Exception as e:  # no compiler at all (CCompilerError, DistutilsPlatformError, OSError)
            _skip(e)

    def build_extension(self, ext):
        try:
            super().build_extension(ext)
        except Exception as e:
            _skip(e)


def _skip(error):
    print(f"rumrules: the compiled matching core was not built ({error}); "
          "using the pure-Python core", file=sys.stderr)


setup(
    ext_modules=[Extension("rumrules.pattern._ccore", ["rumrules/pattern/_ccore.c"],
                           optional=True, extra_compile_args=["-O2"] if sys.platform != "win32" else [])],
    cmdclass={"build_ext": OptionalBuildExt},
)
