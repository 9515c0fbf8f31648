"""The index of the minutes: how it is built, stored, loaded and swapped.

An index run (`build`) reads the minutes files, reuses what did not change (`previous`:
what it keeps of the last generation) and writes a new
generation (`generation`, through the on-disk `spools`): the TinyDB store of record
(`store`), and beside it the generation's rows as columns (`rows`), long section texts
(`texts`) and inverted index (`postings`); the store is swapped in last, with `os.replace`.
A question reads a generation as loaded in memory (`loaded.Index`); a server holds the one
it answers from in `live.LiveIndex`, which loads a newer generation whole and only then
swaps it in.
"""
