"""Every note of the tables reads in the page's language: data/<edition>/notes.yaml gives
each English note of a table's `note` column in Kazakh and Russian."""
from aimaq.data.load import load_dataset


def test_every_table_note_has_kazakh_and_russian(root):
    ds = load_dataset(root / "data", "2023", base=root)
    notes = set(ds.observations["note"].dropna()) - {""}
    assert notes
    missing = sorted(n for n in notes
                     if not all(ds.note_texts.get(n, {}).get(lang) for lang in ("kk", "ru")))
    assert missing == []
    assert set(ds.note_texts) <= notes, "notes.yaml names notes no table has"


def test_a_note_is_shown_in_the_page_language(root):
    ds = load_dataset(root / "data", "2023", base=root)
    note = "year not printed; 2020 assumed"
    assert ds.note(note) == {"en": note, "kk": "жылы басылмаған; 2020 жыл деп алынды",
                             "ru": "год не напечатан; принят 2020 год"}
    assert ds.note("") == {}
