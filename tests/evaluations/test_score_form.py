"""The evaluator's score form: one score and one comment per leaf indicator, the running weighted total (htmx
fragment and, without JavaScript, the page after saving), the comment rule below 60 % of the maximum, and the lock
after submission."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from evaluations.models import Assignment, Score
from evaluations.selectors import indicator_tree, leaves_of
from tests.evaluations.conftest import create_evaluation, make_set, start_scoring

pytestmark = pytest.mark.django_db


@pytest.fixture
def sheet(purchaser, contract, pool):
    """An evaluation in scoring over three leaves weighted 33.34 / 33.33 / 33.33, each scored out of 100; the first
    evaluator's assignment (accepted) and the leaves in order."""
    evaluation = create_evaluation(purchaser, contract, make_set(leaves=3))
    assignments = start_scoring(purchaser, evaluation, pool[:3])
    leaves = leaves_of(indicator_tree(evaluation.indicator_set))
    assert [leaf.weight for leaf in leaves] == [Decimal("33.34"), Decimal("33.33"), Decimal("33.33")]
    return assignments[0], leaves


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def form_data(leaves, scores, comments=None, action="save"):
    comments = comments or {}
    data = {"action": action}
    for index, leaf in enumerate(leaves):
        data[f"score_{leaf.pk}"] = scores[index] if index < len(scores) else ""
        data[f"comment_{leaf.pk}"] = comments.get(index, "")
    return data


def test_running_total_fragment_is_computed_with_decimal(client, sheet):
    assignment, leaves = sheet
    client.force_login(assignment.evaluator)
    url = reverse("evaluations:task-total", args=[assignment.pk])
    response = client.post(url, form_data(leaves, ["100", "50", ""]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    running = response.context["running"]
    # 100 × 33.34 / 100 + 50 × 33.33 / 100 = 50.005 exactly; shown rounded half up.
    assert running.total == Decimal("50.005")
    assert isinstance(running.total, Decimal)
    assert running.scored_count == 2
    html = response.content.decode()
    assert 'data-total="50.01"' in html
    assert "已评 2 / 3 项" in html
    assert "<html" not in html  # a fragment, not a page
    # The low second score has no comment yet.
    assert [leaf.pk for leaf in running.needs_comment] == [leaves[1].pk]
    assert leaves[1].code in html


def test_running_total_counts_a_commented_low_score_and_ignores_invalid_values(client, sheet):
    assignment, leaves = sheet
    client.force_login(assignment.evaluator)
    url = reverse("evaluations:task-total", args=[assignment.pk])
    response = client.post(url, form_data(leaves, ["33.3", "abc", "150"], {0: "服务人次不足"}))
    running = response.context["running"]
    assert running.total == Decimal("33.3") * Decimal("33.34") / Decimal("100")
    assert running.needs_comment == []
    assert [leaf.pk for leaf in running.invalid] == [leaves[1].pk, leaves[2].pk]
    assert 'data-total="11.10"' in response.content.decode()
    assert 'data-testid="invalid-scores"' in response.content.decode()


def test_score_form_has_one_input_per_leaf_with_max_guidance_and_htmx(client, sheet):
    assignment, leaves = sheet
    client.force_login(assignment.evaluator)
    response = client.get(reverse("evaluations:task-detail", args=[assignment.pk]))
    html = response.content.decode()
    for leaf in leaves:
        assert f'name="score_{leaf.pk}"' in html
        assert f'name="comment_{leaf.pk}"' in html
        assert f'max="{leaf.max_score}"' in html
    assert html.count('data-testid="guidance"') == 3
    assert "满分 100.00" in html
    assert "得分低于 60.00 时必填" in html
    assert 'hx-post="{}"'.format(reverse("evaluations:task-total", args=[assignment.pk])) in html
    assert 'hx-trigger="input changed delay:300ms"' in html
    assert 'hx-target="#running-total"' in html
    assert 'data-total="0.00"' in html


def test_saving_a_draft_recomputes_the_total_without_javascript(client, sheet):
    assignment, leaves = sheet
    client.force_login(assignment.evaluator)
    url = reverse("evaluations:task-score", args=[assignment.pk])
    response = client.post(url, form_data(leaves, ["100", "50", ""]))
    assert response.status_code == 302
    assert "已保存评分草稿" in messages_of(response)[0]
    stored = dict(Score.objects.filter(assignment=assignment).values_list("indicator_id", "score"))
    assert stored == {leaves[0].pk: Decimal("100.00"), leaves[1].pk: Decimal("50.00")}
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.ACCEPTED  # a draft: the low score may wait for its comment

    page = client.get(reverse("evaluations:task-detail", args=[assignment.pk]))
    assert page.context["running"].total == Decimal("50.005")
    html = page.content.decode()
    assert 'data-total="50.01"' in html
    assert 'value="50.00"' in html
    assert 'data-testid="needs-comment"' in html

    # Emptying a score removes it from the draft.
    client.post(url, form_data(leaves, ["100", "", ""]))
    assert list(Score.objects.filter(assignment=assignment).values_list("indicator_id", flat=True)) == [leaves[0].pk]


def test_a_score_above_the_maximum_is_refused_next_to_its_field(client, sheet):
    assignment, leaves = sheet
    client.force_login(assignment.evaluator)
    response = client.post(
        reverse("evaluations:task-score", args=[assignment.pk]), form_data(leaves, ["100", "120", ""])
    )
    assert response.status_code == 200
    errors = response.context["score_form"].errors
    assert f"score_{leaves[1].pk}" in errors
    assert "得分须在 0 至 100.00 之间" in str(errors[f"score_{leaves[1].pk}"])
    assert leaves[1].code in str(errors[f"score_{leaves[1].pk}"])
    assert not Score.objects.filter(assignment=assignment).exists()
    # The values typed stay in the form, and the total counts the valid ones.
    assert 'value="120"' in response.content.decode()
    assert response.context["running"].total == Decimal("33.34")


def test_submitting_requires_a_comment_below_sixty_percent(client, sheet):
    assignment, leaves = sheet
    client.force_login(assignment.evaluator)
    url = reverse("evaluations:task-score", args=[assignment.pk])
    response = client.post(url, form_data(leaves, ["90", "59.99", "60"], action="submit"))
    assert response.status_code == 200
    errors = response.context["score_form"].errors
    assert list(errors) == [f"comment_{leaves[1].pk}"]
    message = str(errors[f"comment_{leaves[1].pk}"])
    assert "得分低于满分的 60%，须填写评分意见" in message
    assert leaves[1].code in message
    assert 'data-testid="comment-error"' in response.content.decode()
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.ACCEPTED
    assert not Score.objects.filter(assignment=assignment).exists()  # the refused submission wrote nothing


def test_submitting_requires_every_leaf(client, sheet):
    assignment, leaves = sheet
    client.force_login(assignment.evaluator)
    response = client.post(
        reverse("evaluations:task-score", args=[assignment.pk]), form_data(leaves, ["90", "80"], action="submit")
    )
    assert response.status_code == 200
    assert "请为“{} {}”评分".format(leaves[2].code, leaves[2].name) in str(
        response.context["score_form"].errors[f"score_{leaves[2].pk}"]
    )


def test_submit_locks_the_sheet(client, sheet):
    assignment, leaves = sheet
    client.force_login(assignment.evaluator)
    url = reverse("evaluations:task-score", args=[assignment.pk])
    response = client.post(url, form_data(leaves, ["90", "40", "75.5"], {1: "回访记录缺失"}, action="submit"))
    assert response.status_code == 302
    assert "评分已提交" in messages_of(response)[0]
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.SUBMITTED
    assert assignment.submitted_at is not None

    page = client.get(reverse("evaluations:task-detail", args=[assignment.pk]))
    html = page.content.decode()
    assert 'data-testid="score-form"' not in html
    assert 'data-testid="submitted-sheet"' in html
    assert "回访记录缺失" in html
    # 90 × 33.34 + 40 × 33.33 + 75.5 × 33.33, divided by 100 = 68.50...
    assert page.context["sheet"].total == (
        Decimal("90") * Decimal("33.34") + Decimal("40") * Decimal("33.33") + Decimal("75.5") * Decimal("33.33")
    ) / Decimal("100")

    response = client.post(url, form_data(leaves, ["10", "10", "10"], {0: "x", 1: "x", 2: "x"}))
    assert response.status_code == 302
    assert "评分已提交，不能再修改。" in messages_of(response)
    assert Score.objects.get(assignment=assignment, indicator=leaves[0]).score == Decimal("90.00")
    assert client.post(reverse("evaluations:task-total", args=[assignment.pk]), {}).status_code == 404


def test_nobody_else_reads_a_draft(client, sheet, pool, member, purchaser):
    assignment, leaves = sheet
    client.force_login(assignment.evaluator)
    client.post(reverse("evaluations:task-score", args=[assignment.pk]), form_data(leaves, ["77.77", "", ""]))
    evaluation = assignment.evaluation
    scores_url = reverse("evaluations:assignment-scores", args=[evaluation.pk, assignment.pk])
    for outsider in (pool[1], pool[2], member, purchaser):
        client.force_login(outsider)
        assert client.get(scores_url).status_code == 404
        for url in (
            reverse("evaluations:evaluation-detail", args=[evaluation.pk]),
            reverse("evaluations:task-list"),
        ):
            response = client.get(url)
            assert "77.77" not in response.content.decode()
