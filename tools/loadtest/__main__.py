"""`python -m tools.loadtest`: the same as `beslutningsbot loadtest`."""

from tools.loadtest import main

if __name__ == "__main__":
    raise SystemExit(main())
