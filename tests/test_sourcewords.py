"""Section labels of source references in the page's language."""
from aimaq.site.sourcewords import section_label

KK = {"figure": "Сурет", "table": "Кесте", "conclusion": "Қорытынды",
      "introduction": "Кіріспе"}.get


def test_english_words_of_a_section_label_become_the_pages():
    assert section_label("3.2 (5), Table 32, Fig. 24; Conclusion 1", KK) == \
        "3.2 (5), Кесте 32, Сурет 24; Қорытынды 1"
    assert section_label("Introduction", KK) == "Кіріспе"


def test_numbers_and_quoted_titles_stay_as_written():
    assert section_label("3.2", KK) == "3.2"
    assert section_label("Аймақтық саясаттың түрлері", KK) == "Аймақтық саясаттың түрлері"
