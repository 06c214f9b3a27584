"""The segmented search column: every Chinese character of the document and every pair of adjacent ones."""

from hypothesis import given
from hypothesis import strategies as st

from core.search import search_tokens


def test_tokens_are_the_characters_and_adjacent_pairs_of_each_chinese_run_sorted_once():
    expected = sorted({"阳", "光", "社", "工", "阳光", "光社", "社工", "中", "心", "中心"})
    assert search_tokens("阳光社工 abc 阳光 huhehaoteshi 中心") == " ".join(expected)
    assert search_tokens("abc 123") == ""
    assert search_tokens("") == ""


@given(st.text(alphabet=st.sampled_from(["阳", "光", "社", "工", "a", " ", "1", "㐀", "丽"]), max_size=20))
def test_tokens_match_a_plain_reading_of_the_document(document):
    runs, run = [], ""
    for character in document + " ":
        if "\u3400" <= character <= "\u9fff" or "\uf900" <= character <= "\ufaff":
            run += character
        elif run:
            runs.append(run)
            run = ""
    expected = set()
    for run in runs:
        expected.update(run)
        expected.update(run[index : index + 2] for index in range(len(run) - 1))
    assert search_tokens(document) == " ".join(sorted(expected))
