"""Section labels of source references in the page's language."""
from aimaq.formatting import numbered
from aimaq.site.sourcewords import section_label

KK = {"figure": "Сурет", "table": "Кесте", "conclusion": "Қорытынды",
      "introduction": "Кіріспе", "table_n": "{n}-кесте", "tables_n": "{n}-кестелер",
      "figure_n": "{n}-сурет", "figures_n": "{n}-суреттер"}.get
RU = {"table_n": "Таблица {n}", "tables_n": "Таблицы {n}", "figure_n": "Рисунок {n}",
      "figures_n": "Рисунки {n}"}.get


def test_english_words_of_a_section_label_become_the_pages():
    assert section_label("3.2 (5), Table 32, Fig. 24; Conclusion 1", KK) == \
        "3.2 (5), 32-кесте, 24-сурет; Қорытынды 1"
    assert section_label("Introduction", KK) == "Кіріспе"


def test_numbers_and_quoted_titles_stay_as_written():
    assert section_label("3.2", KK) == "3.2"
    assert section_label("Аймақтық саясаттың түрлері", KK) == "Аймақтық саясаттың түрлері"


def test_numbered_tables_and_figures_follow_the_languages_word_order():
    # Kazakh puts the number first ("40-кесте"), Russian after ("Таблица 40"); a range
    # takes the plural.
    assert section_label("Figs. 16–17, Table 4.2", KK) == "16–17-суреттер, 4.2-кесте"
    assert section_label("Figs. 16–17, Table 4.2", RU) == "Рисунки 16–17, Таблица 4.2"


def test_numbered_takes_the_plural_for_a_range_or_list():

    assert numbered("{n}-жол", "{n}-жолдар", "123") == "123-жол"
    assert numbered("{n}-жол", "{n}-жолдар", "120–125") == "120–125-жолдар"
    assert numbered("line {n}", "lines {n}", "3, 7") == "lines 3, 7"
