"""Corpus mode: partitioned Parquet output, bad documents skipped, resume, readers, Dask."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from conftest import PARTIES
from presslens.cli import main
from presslens.corpus.annotate import annotate_corpus, annotate_partition, measures_row
from presslens.corpus.records import iter_partitions
from presslens.corpus.read import read_corpus_annotations, read_measures, read_skipped, read_spans
from presslens.errors import PresslensError
from presslens.document.inputs import MAX_ARTICLE_BYTES

# Invented sentences, written for these tests.
TEXTS = {
    "a1": "Talks stall\n\nPakistan said the talks had stalled. Officials said a deal could come soon.",
    "a2": "Border shut\n\nTraders said the border was shut. The ministry said it would reopen.",
    "b1": "Ceasefire holds\n\nAnalysts said the ceasefire appeared to hold. The Taliban said they wanted calm.",
    "b2": "Camps fill\n\nAid workers said the camps were full. Winter may make it worse.",
}


def _corpus(tmp_path, extra=()):
    rows = [{"id": k, "text": v, "outlet": k[0].upper()} for k, v in TEXTS.items()] + list(extra)
    path = tmp_path / "corpus.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_partition_skips_bad_documents_with_reasons(monkeypatch):
    import presslens.pipeline
    from presslens.syntax.segment import Segmenter

    real = presslens.pipeline.annotate_segmented
    real_layout = Segmenter._layout

    def flaky(doc, *a, **k):
        if doc.doc_id == "boom":
            raise RuntimeError("model exploded")
        return real(doc, *a, **k)

    def flaky_layout(self, doc):
        # Breaks the partition's batch segmentation: every other document
        # must still be segmented (one by one) and annotated.
        if doc.doc_id == "segfault":
            raise ValueError("tokenizer choked")
        return real_layout(self, doc)

    monkeypatch.setattr(presslens.pipeline, "annotate_segmented", flaky)
    monkeypatch.setattr(Segmenter, "_layout", flaky_layout)
    recs = pd.DataFrame({
        "doc_id": ["ok", "empty", "bin", "long", "boom", "nontext", "segfault", "ok2"],
        "text": [TEXTS["a1"], "  ", "\x01\x02\x03\x04\x05\x06\x07\x08\x0e\x0f" * 3, "x" * (MAX_ARTICLE_BYTES + 1),
                 TEXTS["a2"], None, TEXTS["b1"], TEXTS["b2"]],
        "meta": [{"outlet": "A"}, {}, {}, {}, {}, {}, {}, {"outlet": "B"}],
    })
    spans, measures, skipped = annotate_partition(recs)
    assert list(measures["doc_id"]) == ["ok", "ok2"] and list(measures["outlet"]) == ["A", "B"]
    assert set(spans["doc_id"]) == {"ok", "ok2"}
    # Skipped in input order, whichever step found the problem.
    assert list(skipped["doc_id"]) == ["empty", "bin", "long", "boom", "nontext", "segfault"]
    reasons = dict(zip(skipped["doc_id"], skipped["reason"]))
    assert "whitespace" in reasons["empty"] and "binary" in reasons["bin"] and "too long" in reasons["long"]
    assert "RuntimeError: model exploded" in reasons["boom"] and "text" in reasons["nontext"]
    assert "ValueError: tokenizer choked" in reasons["segfault"]
    # The batch fallback gives the same annotation as segmenting alone.
    import presslens

    direct = presslens.annotate(presslens.Document("ok2", TEXTS["b2"]))
    got = spans[(spans["doc_id"] == "ok2") & (spans["layer"] == "token")]
    assert got[["start", "end", "label"]].values.tolist() == direct.layer("token")[["start", "end", "label"]].values.tolist()


def test_measures_row_pivots_every_tidy_table():
    import presslens
    from presslens.framing.parties import load_parties

    parties = load_parties(PARTIES)
    doc = presslens.annotate(presslens.Document("d", TEXTS["a1"]), parties)
    row = measures_row(doc, parties)
    for name in ("words", "sentences", "attributions_per_100_words", "anonymous_share", "hedged_claim_share",
                 "hedges_per_100_words.modal", "pakistan.agent_share", "pakistan.mentions"):
        assert name in row, name
    assert row["pakistan.mentions"] == 1.0


def test_partitions_stream_and_flag_duplicates(tmp_path):
    path = _corpus(tmp_path, [{"id": "a1", "text": "Same id again."}])
    parts = list(iter_partitions([path], 2))
    assert [len(p) for p in parts] == [2, 2, 1]
    assert parts[-1].loc[0, "error"] == "duplicate document id"


def test_cli_writes_partitioned_folder(tmp_path, capsys):
    path = _corpus(tmp_path, [{"id": "e", "text": ""}])
    out = tmp_path / "out.parquet"
    code = main(["annotate", str(path), "--out", str(out), "--partition-size", "2", "--parties", str(PARTIES)])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "annotated 4 document(s)" in captured.out and "skipped 1 (1 empty)" in captured.out
    assert sorted(p.name for p in (out / "spans").iterdir()) == ["part-00000.parquet", "part-00001.parquet", "part-00002.parquet"]
    m = read_measures(out)
    assert list(m["doc_id"]) == list(TEXTS) and list(m["outlet"]) == ["A", "A", "B", "B"]
    assert "pakistan.agent_share" in m and (m["words"] > 0).all()
    assert read_skipped(out).values.tolist() == [["e", "part-00002", "article is empty"]]
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "complete" and manifest["annotated"] == 4 and manifest["skipped"] == 1
    assert manifest["parameters"]["parties_sha256"] and len(manifest["partitions"]) == 3
    spans = read_spans(out)
    assert list(spans.columns[:5]) == ["doc_id", "layer", "start", "end", "label"]
    assert set(spans["doc_id"]) == set(TEXTS) and set(read_spans(out, "mention")["layer"]) == {"mention"}
    docs = pd.read_parquet(out / "documents")
    assert docs.set_index("doc_id").loc["b1", "text"] == TEXTS["b1"]


def test_read_back_matches_direct_annotation(tmp_path):
    import presslens

    out = tmp_path / "out.parquet"
    annotate_corpus([_corpus(tmp_path)], out, partition_size=3)
    corpus = read_corpus_annotations(out)
    assert [d.doc_id for d in corpus] == list(TEXTS)
    direct = presslens.annotate(presslens.Document("b1", TEXTS["b1"]))
    back = corpus["b1"]
    assert back.text == TEXTS["b1"] and back.meta["outlet"] == "B"
    for layer in ("sentence", "token", "attribution", "hedge"):
        cols = ["start", "end", "label"]
        assert back.layer(layer)[cols].values.tolist() == direct.layer(layer)[cols].values.tolist(), layer


def test_resume_skips_finished_partitions_and_checks_parameters(tmp_path, monkeypatch):
    import presslens.corpus.annotate as corpus

    path = _corpus(tmp_path)
    out = tmp_path / "out.parquet"
    annotate_corpus([path], out, partition_size=2)
    first = read_measures(out)
    # Simulate an interruption during the second partition: its marker never got written.
    (out / "_done" / "part-00001.json").unlink()
    calls = []
    real = corpus.annotate_partition
    monkeypatch.setattr(corpus, "annotate_partition", lambda recs, **o: calls.append(list(recs["doc_id"])) or real(recs, **o))
    run = annotate_corpus([path], out, partition_size=2)
    assert calls == [["b1", "b2"]] and run.resumed == 1 and run.annotated == 4
    pd.testing.assert_frame_equal(read_measures(out), first)
    with pytest.raises(PresslensError, match="--restart"):
        annotate_corpus([path], out, partition_size=3)
    calls.clear()
    run = annotate_corpus([path], out, partition_size=3, restart=True)
    assert len(calls) == 2 and run.resumed == 0 and len(read_measures(out)) == 4


def test_refuses_foreign_folder(tmp_path):
    out = tmp_path / "out.parquet"
    out.mkdir()
    (out / "precious.txt").write_text("keep me")
    with pytest.raises(PresslensError, match="not a presslens corpus folder"):
        annotate_corpus([_corpus(tmp_path)], out)
    assert (out / "precious.txt").exists()


def test_dask_cluster_gives_the_same_tables(tmp_path):
    distributed = pytest.importorskip("distributed")
    path = _corpus(tmp_path, [{"id": "e", "text": ""}])
    annotate_corpus([path], tmp_path / "local.parquet", partition_size=2)
    # An in-process cluster stands in for an existing one (--scheduler ADDRESS).
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=":0") as cluster:
        run = annotate_corpus([path], tmp_path / "dask.parquet", partition_size=2, scheduler=cluster.scheduler_address)
    assert run.annotated == 4 and run.skipped == 1
    pd.testing.assert_frame_equal(read_measures(tmp_path / "dask.parquet"), read_measures(tmp_path / "local.parquet"))
    assert read_skipped(tmp_path / "dask.parquet").equals(read_skipped(tmp_path / "local.parquet"))


def test_local_dask_cluster_for_jobs_above_one(tmp_path):
    pytest.importorskip("distributed")
    path = _corpus(tmp_path, [{"id": "e", "text": ""}])
    annotate_corpus([path], tmp_path / "one.parquet", partition_size=2)
    run = annotate_corpus([path], tmp_path / "two.parquet", partition_size=2, jobs=2)
    assert run.annotated == 4 and run.skipped == 1
    pd.testing.assert_frame_equal(read_measures(tmp_path / "two.parquet"), read_measures(tmp_path / "one.parquet"))
    one, two = read_spans(tmp_path / "one.parquet"), read_spans(tmp_path / "two.parquet")
    pd.testing.assert_frame_equal(one, two)


@pytest.mark.parametrize("scheduler", [False, True])
def test_reader_stays_at_most_a_few_partitions_ahead(tmp_path, monkeypatch, scheduler):
    # Bounded memory: the corpus is read as the partitions are annotated,
    # never all at once (one partition ahead in-process; two per worker on Dask).
    import presslens.corpus.annotate as corpus
    import presslens.document.inputs as records

    rows = [{"id": f"d{i}", "text": f"Officials said talks number {i} had stalled.", "outlet": "X"} for i in range(12)]
    path = tmp_path / "big.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    pulled = []
    real_records = records._jsonl_records

    def counting(p):
        for rec in real_records(p):
            pulled.append(rec["doc_id"])
            yield rec

    monkeypatch.setattr(records, "_jsonl_records", counting)
    ahead = []
    real_write = corpus._write_partition

    def write(out, name, records, *tables):
        written = int(name.split("-")[1]) * 2 + len(records)
        ahead.append(len(pulled) - written)
        return real_write(out, name, records, *tables)

    monkeypatch.setattr(corpus, "_write_partition", write)
    if scheduler:
        distributed = pytest.importorskip("distributed")
        with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=":0") as c:
            run = annotate_corpus([path], tmp_path / "out.parquet", partition_size=2, scheduler=c.scheduler_address)
        limit = 2 * 2 + 2  # two partitions in flight per worker, plus the one being read
    else:
        run = annotate_corpus([path], tmp_path / "out.parquet", partition_size=2)
        limit = 2
    assert run.annotated == 12 and len(ahead) == 6
    assert max(ahead) <= limit, ahead


def test_measures_table_unites_partition_columns(tmp_path):
    # A party's hedged share exists only in partitions where the party is in a
    # claim: the merged table has the column, missing (NaN) elsewhere.
    rows = [{"id": "p", "text": "Talks stall\n\nPakistan said the talks could resume.", "outlet": "A", "country": "PK"},
            {"id": "q", "text": "Weather\n\nIt rained on Monday.", "outlet": "B", "country": "AF"}]
    path = tmp_path / "c.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    out = tmp_path / "out.parquet"
    annotate_corpus([path], out, parties=PARTIES, partition_size=1)
    first = pd.read_parquet(out / "measures" / "part-00000.parquet")
    second = pd.read_parquet(out / "measures" / "part-00001.parquet")
    assert "pakistan.hedged_share" in first and "pakistan.hedged_share" not in second
    m = read_measures(out)
    assert list(m["doc_id"]) == ["p", "q"] and m["pakistan.hedged_share"].tolist()[0] == 1.0
    assert pd.isna(m["pakistan.hedged_share"].tolist()[1])
    # Other metadata fields come from the documents table on request.
    with_country = read_measures(out, meta=["country"])
    assert with_country["country"].tolist() == ["PK", "AF"] and list(with_country.columns[:7])[-1] == "country"
    with pytest.raises(PresslensError, match="no document has the metadata field"):
        read_measures(out, meta=["cuntry"])


def test_report_on_a_corpus_and_on_an_annotation_folder(tmp_path, monkeypatch, capsys):
    import presslens.report.corpus_report as corpus
    from presslens.document.inputs import corpus_input

    path = _corpus(tmp_path, [{"id": "e", "text": ""}])
    assert corpus_input(path) == "corpus" and corpus_input(PARTIES) is None
    out = tmp_path / "reports" / "corpus"
    assert main(["report", str(path), "--out", str(out), "--parties", str(PARTIES), "--quiet"]) == 0
    for name in ("index.html", "04_corpus_comparison.html", "metrics.json", "ranked_articles.csv", "outliers.csv"):
        assert (out / name).exists(), name
    metrics = json.loads((out / "metrics.json").read_text())
    nb = metrics["notebooks"]["04_corpus_comparison"]
    assert nb["articles"] == 4 and nb["skipped"] == 1 and nb["groups"] == 2
    assert metrics["provenance"]["annotations"]["skipped_reasons"] == {"empty": 1}
    assert metrics["provenance"]["input"]["kind"] == "corpus" and len(metrics["provenance"]["input"]["sha256"]) == 64
    assert "A|attributions_per_100_words" in nb["group_means"]
    html = (out / "04_corpus_comparison.html").read_text(encoding="utf-8")
    assert "article is empty" in html and "small" in html
    # An existing annotation folder is reported on as it is: nothing is annotated again.
    folder = out / "annotations.parquet"
    assert corpus_input(folder) == "annotations"
    monkeypatch.setattr(corpus, "annotate_corpus", lambda *a, **k: pytest.fail("annotated again"))
    again = tmp_path / "again"
    assert main(["report", str(folder), "--out", str(again), "--quiet"]) == 0
    again_metrics = json.loads((again / "metrics.json").read_text())
    assert again_metrics["notebooks"]["04_corpus_comparison"]["articles"] == 4
    # The footer names a folder input as such, identified by its files' contents.
    assert again_metrics["provenance"]["input"]["kind"] == "annotations"
    assert len(again_metrics["provenance"]["input"]["sha256"]) == 64
    assert "<td>annotations</td>" in (again / "04_corpus_comparison.html").read_text(encoding="utf-8")
    # An unfinished folder, or one annotated with other parties, is refused with a way out.
    other = tmp_path / "other.yml"
    other.write_text(PARTIES.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert main(["report", str(folder), "--out", str(tmp_path / "x"), "--parties", str(other), "--quiet"]) == 2
    assert "another parties file" in capsys.readouterr().err
    manifest = json.loads((folder / "manifest.json").read_text())
    (folder / "manifest.json").write_text(json.dumps({**manifest, "status": "running"}))
    assert main(["report", str(folder), "--out", str(tmp_path / "y"), "--quiet"]) == 2
    assert "resume" in capsys.readouterr().err


def test_span_tables_concatenate_as_pandas_does():
    # Many documents x layers of different shapes: the grouped concatenation
    # gives pd.concat's rows, order, columns and dtypes.
    import presslens
    from presslens.framing.parties import load_parties
    from presslens.document.spans import SPAN_COLUMNS, concat_span_tables

    parties = load_parties(PARTIES)
    docs = presslens.annotate_documents([presslens.Document(k, v) for k, v in TEXTS.items()], parties)
    docs += [presslens.annotate(presslens.Document("plain", TEXTS["b2"]))]
    tables = [t for d in docs for t in d.layers.values()]
    assert len(tables) > 8
    expected = pd.concat([t for t in tables if len(t)], ignore_index=True, sort=False)
    expected = expected[list(SPAN_COLUMNS) + [c for c in expected.columns if c not in SPAN_COLUMNS]]
    got = concat_span_tables(tables)
    pd.testing.assert_frame_equal(got, expected, check_exact=True)
    assert got["doc_id"].tolist()[:3] == ["a1"] * 3 and got["doc_id"].iloc[-1] == "plain"


def test_local_cluster_workers_keep_glibc_adaptive_malloc():
    # Dask's MALLOC_TRIM_THRESHOLD_ made numpy temporaries page-fault on every
    # allocation (10x slower arithmetic in the attribution model): our local
    # cluster's workers start without it.
    import os

    dask = pytest.importorskip("dask")
    distributed = pytest.importorskip("distributed")
    from presslens.corpus.cluster import local_cluster_config

    with dask.config.set(local_cluster_config()):
        with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=":0") as c, \
                distributed.Client(c) as client:
            assert set(client.run(os.getenv, "MALLOC_TRIM_THRESHOLD_").values()) == {None}
            assert set(client.run(os.getenv, "OMP_NUM_THREADS").values()) == {"1"}


def test_corpus_report_without_parties_detects_them_and_says_so(tmp_path):
    from presslens.framing.parties import PartyConfig

    path = _corpus(tmp_path)
    out = tmp_path / "reports" / "corpus"
    assert main(["report", str(path), "--out", str(out), "--quiet"]) == 0
    cfg = PartyConfig.from_file(out / "parties.yml")
    assert "pakistan" in cfg.ids
    assert json.loads((out / "metrics.json").read_text())["provenance"]["parties"]["detected"] is True
    assert "Parties detected, not chosen" in (out / "index.html").read_text(encoding="utf-8")
