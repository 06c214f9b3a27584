"""Form texts are built in the visitor's language at request time, not frozen in the language active at import."""

from django.utils import translation

from supervision.forms import ComplaintForm, OrderAnswerForm, name_with_detail


def test_complaint_form_help_texts_follow_the_active_language():
    with translation.override("en"):
        english = str(ComplaintForm().fields["text"].help_text)
    with translation.override("zh-hans"):
        chinese = str(ComplaintForm().fields["text"].help_text)
    assert english.startswith("State the time, place") and "5000" in english
    assert chinese == "写明时间、地点、经过和涉及的服务；最多 5000 字。"


def test_answer_form_file_help_follows_the_active_language():
    with translation.override("en"):
        english = str(OrderAnswerForm().fields["files"].help_text)
    with translation.override("zh-hans"):
        chinese = str(OrderAnswerForm().fields["files"].help_text)
    assert english == "You can select several files at once; PDF, JPG, PNG, DOCX, XLSX and ZIP files are allowed."
    assert chinese == "可一次选择多个文件；允许 PDF、JPG、PNG、DOCX、XLSX、ZIP 文件。"


def test_choice_labels_put_the_detail_in_brackets():
    with translation.override("zh-hans"):
        assert name_with_detail("张建国", "呼和浩特市民政局") == "张建国（呼和浩特市民政局）"


def test_the_complaint_form_leaves_the_length_rules_to_the_service():
    form = ComplaintForm({"subject": "题" * 201, "text": "内容"})
    assert 'maxlength="200"' in str(form["subject"])
    # The form accepts the long subject; complaint_file refuses it with the code too_long.
    assert "subject" not in form.errors
