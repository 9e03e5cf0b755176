"""Stand-in for the pip bootstrap script that ansible-test downloads from a host this network cannot reach.

ansible-test runs it as `python get_pip.py [pip options] PACKAGES [--no-setuptools] [--no-wheel]`
inside a fresh virtualenv; ensurepip plus an ordinary `pip install` from the package registry does the same.
"""
import subprocess
import sys

arguments = [argument for argument in sys.argv[1:] if argument not in ("--no-setuptools", "--no-wheel")]
subprocess.check_call([sys.executable, "-m", "ensurepip", "--default-pip"])
subprocess.check_call([sys.executable, "-m", "pip", "install", "--disable-pip-version-check"] + arguments)
