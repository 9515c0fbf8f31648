"""`python -m bot` is the same as the `beslutningsbot` command."""

from bot.cli import main

raise SystemExit(main())
