"""Corpus mode: annotate many articles once into a partitioned Parquet folder.

``presslens annotate CORPUS --out DIR.parquet`` streams the corpus in
partitions (``partition_size`` documents each) and runs one pure function,
:func:`annotate_partition`, over each: in this process (``jobs=1``), on a
local Dask cluster (``jobs>1``) or on an existing one (``scheduler=``). The
folder holds::

    DIR.parquet/
      spans/part-00000.parquet ...      every span of every annotated document
      documents/part-00000.parquet ...  doc_id, text (stored once), meta columns
      measures/part-00000.parquet ...   one row per document (all measures)
      measures.parquet                  the same rows in one table (written at the end)
      skipped.csv                       doc_id, partition, reason of every skipped document
      manifest.json                     parameters, counts, partitions, version

A bad document (empty, binary, too long, or one whose annotation raises) is
skipped and reported, never aborting the run. Each partition is written
atomically and marked done last, so re-running the same command resumes
from the finished partitions.

>>> from presslens.corpus.annotate import annotate_corpus
>>> from presslens.corpus.read import read_measures
>>> summary = annotate_corpus(["data/corpora/sample/articles.jsonl"], "out.parquet")  # doctest: +SKIP
>>> read_measures("out.parquet")[["doc_id", "outlet", "attributions_per_100_words"]]  # doctest: +SKIP
"""
