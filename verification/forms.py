from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.uploads import max_upload_bytes, normalize_sha256, sha256_of


class VerifyForm(forms.Form):
    """A file to fingerprint (never stored) or a SHA-256 pasted by hand."""

    file = forms.FileField(label=_("文件"), required=False, help_text=_("文件只用于计算指纹，不会保存。"))
    sha256 = forms.CharField(
        label=_("或粘贴 SHA-256 指纹"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "class": "font-monospace"}),
    )

    def clean_sha256(self) -> str:
        text = self.cleaned_data.get("sha256", "")
        if not text.strip():
            return ""
        value = normalize_sha256(text)
        if value is None:
            raise ValidationError(_("SHA-256 指纹应为 64 位十六进制字符（0-9、a-f）。"), code="sha256_format")
        return value

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload is not None:
            if upload.size > max_upload_bytes():
                raise ValidationError(
                    _("文件超过大小上限 %(limit)s MB。"), code="upload_size", params={"limit": settings.UPLOAD_MAX_MB}
                )
            cleaned["sha256"] = sha256_of(upload)
        elif not cleaned.get("sha256") and not self.errors:
            raise ValidationError(_("请选择文件或粘贴 SHA-256 指纹。"), code="nothing_to_verify")
        return cleaned


class CompareForm(forms.Form):
    file = forms.FileField(label=_("您收到的文件"), help_text=_("文件只用于计算指纹，不会保存。"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > max_upload_bytes():
            raise ValidationError(
                _("文件超过大小上限 %(limit)s MB。"), code="upload_size", params={"limit": settings.UPLOAD_MAX_MB}
            )
        return upload
