"""Sentences, tokens, boilerplate and headline: offsets into the raw text."""

from __future__ import annotations

import pytest

import presslens
from presslens.document.spans import Document
from presslens.syntax.segment import normalise_same_length, paragraph_spans


def _assert_spans_index_text(doc: Document) -> None:
    spans = doc.spans
    assert len(spans) > 0
    for layer, s, e in spans[["layer", "start", "end"]].itertuples(index=False):
        covered = doc.text[s:e]
        assert 0 <= s < e <= len(doc.text), (layer, s, e)
        assert covered == covered.strip(), f"{layer} span [{s},{e}) has outer whitespace: {covered!r}"


def test_every_span_indexes_the_raw_text(default_doc):
    _assert_spans_index_text(default_doc)
    # The exported record carries the same text the offsets index.
    rec = default_doc.to_record()
    for span in rec["spans"]:
        assert rec["text"][span["start"]:span["end"]] == default_doc.text[span["start"]:span["end"]]


def test_typography_does_not_shift_offsets():
    text = "\u201cWe will not back down,\u201d the minister\u2019s aide said.\u00a0Talks resumed\u2026 on Monday."
    doc = presslens.annotate_text(text)
    _assert_spans_index_text(doc)
    tokens = doc.texts("token")
    assert "\u201c" in tokens and "\u201d" in tokens
    assert "\u2019s" in tokens
    assert len(normalise_same_length(text)) == len(text)


def test_crlf_newlines_and_bom_free_offsets():
    text = "Headline here\r\n\r\nOfficials said the talks failed.\r\nThey added nothing.\r\n"
    doc = presslens.annotate_text(text)
    _assert_spans_index_text(doc)
    assert doc.layer("sentence")["label"].tolist() == ["headline", "body", "body"]


def test_tokens_carry_penn_tags(default_doc):
    tokens = default_doc.layer("token")
    tag = dict(zip(default_doc.texts("token"), tokens["label"]))
    assert tag["Istanbul"] == "NNP"
    assert tag["talks"] in {"NNS"}
    assert tag["confirmed"] == "VBD"
    assert tag["could"] == "MD"


def test_default_article_boilerplate_and_headline(default_doc):
    sents = default_doc.layer("sentence")
    by_label = {
        label: [default_doc.text[s:e] for s, e in grp[["start", "end"]].itertuples(index=False)]
        for label, grp in sents.groupby("label")
    }
    assert by_label["boilerplate"][0] == "Latest"
    assert "Leave a Reply" in by_label["boilerplate"]
    assert by_label["boilerplate"][-1] == "Back to top button"
    assert len(by_label["headline"]) == 1
    assert by_label["headline"][0].startswith("New round of")
    assert len(by_label["body"]) == 15
    # Boilerplate stays in the text: nothing is deleted.
    assert default_doc.text.rstrip().endswith("Back to top button")


def test_default_article_matches_gold_segmentation(default_doc, gold):
    paragraphs = default_doc.layer("paragraph")
    boiler = [(s, e) for s, e, l in paragraphs[["start", "end", "label"]].itertuples(index=False) if l == "boilerplate"]
    assert boiler == [(s, e) for s, e, _ in gold["boilerplate"]]
    head = paragraphs[paragraphs["label"] == "headline"]
    assert [(int(r.start), int(r.end)) for r in head.itertuples()] == [tuple(gold["headline"][:2])]
    content = default_doc.layer("sentence").query("label != 'boilerplate'")
    assert len(content) == gold["body_sentences"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Mr. Khan met Gen. Asim Munir on Nov. 5. They talked.", 2),
        ("The U.S. envoy said so. Others disagreed.", 2),
        ("Talks begin at 10 a.m. on Monday, officials said.", 1),
        ("\u201cWe are ready.\u201d The minister left.", 2),
    ],
)
def test_sentence_splitting_handles_abbreviations_and_quotes(text, expected):
    doc = presslens.annotate_text(text)
    assert len(doc.layer("sentence")) == expected, doc.texts("sentence")


def test_wrapped_lines_join_and_headings_split():
    text = (
        "Ceasefire holds\n\n"
        "By Staff Reporter\n"
        "Officials from both sides said on Monday that the ceasefire agreed last\n"
        "week was holding, despite sporadic shelling near the border.\n"
    )
    doc = presslens.annotate_text(text)
    labels = doc.layer("sentence")["label"].tolist()
    texts = doc.texts("sentence")
    assert labels[0] == "headline"
    assert texts[1] == "By Staff Reporter"
    assert texts[2].startswith("Officials") and texts[2].endswith("border.")


def test_paragraphs_split_at_blank_lines_only():
    text = "One.\n\n  \nTwo.\nStill two."
    assert [text[s:e] for s, e in paragraph_spans(text)] == ["One.", "Two.\nStill two."]


def test_document_without_headline():
    doc = presslens.annotate_text("Sources said the talks would resume on Monday. Nothing else was said.")
    assert set(doc.layer("sentence")["label"]) == {"body"}


def test_batch_segmentation_equals_one_by_one(default_doc):
    from presslens.pipeline import annotate_documents
    from presslens.syntax.segment import Segmenter

    # Invented texts of different shapes, plus the default article.
    texts = [default_doc.text, "Talks stall\n\nPakistan said the talks had stalled. Officials said so.",
             "One line only.", "Border shut\n\nTraders said the border was shut.\nThe ministry said it would reopen."]
    seg = Segmenter()
    batch = seg.segment_many([Document(f"d{i}", t) for i, t in enumerate(texts)])
    for i, t in enumerate(texts):
        alone = Segmenter().segment(Document(f"d{i}", t))
        for layer in ("paragraph", "sentence", "token"):
            pd_equal = batch[i].layer(layer).equals(alone.layer(layer))
            assert pd_equal, (i, layer)
    # annotate_documents (batched) gives the same layers as presslens.annotate per document.
    many = annotate_documents([Document(f"d{i}", t) for i, t in enumerate(texts)])
    for i, t in enumerate(texts):
        one = presslens.annotate(Document(f"d{i}", t))
        assert list(many[i].layers) == list(one.layers)
        for layer in one.layers:
            assert many[i].layer(layer).equals(one.layer(layer)), (i, layer)


def _labels(text):
    import presslens

    doc = presslens.annotate_text(text)
    return [(lab, doc.text[s:e]) for s, e, lab in doc.layer("paragraph")[["start", "end", "label"]].itertuples(index=False)]


def test_page_furniture_by_shape_headline_wherever_it_stands():
    page = ("HOME WORLD BUSINESS SPORTS OPINION VIDEO\n"
            "Published: 09:14, June 3, 2026 | Updated: 11:02, June 3, 2026\n"
            "Border crossing reopens after week-long closure\n"
            "By Staff Reporter\n"
            "June 3, 2026 11:02 PKT\n"
            "trade\n\n"
            "A truck waits at the crossing on Tuesday, June 2, 2026. (Photo / Agency)\n\n"
            "The crossing reopened on Wednesday, officials said.\n\n"
            "Read more: Traders count losses after closure\n"
            "Drivers said they had waited for days without food.\n\n"
            "Share this article on :\n"
            "Back to Top\n")
    labels = _labels(page)
    assert [t for lab, t in labels if lab == "headline"] == ["Border crossing reopens after week-long closure"]
    body = [t for lab, t in labels if lab == "body"]
    assert body == ["The crossing reopened on Wednesday, officials said.",
                    "Drivers said they had waited for days without food."], labels
    assert all(lab == "boilerplate" for lab, t in labels if t not in body and "reopens" not in t)


def test_teasers_of_other_stories_inside_the_body_are_furniture():
    page = ("Ceasefire holds for a third day\n"
            "The ceasefire held on Friday, residents said.\n"
            "Aid convoys reached the city, the agency said.\n"
            "Why the river port matters: five things to know\n"
            "Election count delayed in the north? Officials blame weather\n"
            "Schools reopened in the capital on Saturday.\n")
    labels = _labels(page)
    assert [lab for lab, t in labels] == ["headline", "body", "body", "boilerplate", "boilerplate", "body"], labels


def test_a_name_alone_is_a_byline_not_a_headline():
    labels = _labels("Ana Ruiz\nThe rebels agreed to a truce on Thursday, a spokesman said.\nTalks continue.\n")
    assert labels[0][0] != "headline"
