"""Editor forms for newsroom pages."""

from __future__ import annotations

from dateline.core.forms import NewsroomTimeForm


class ArticlePageForm(NewsroomTimeForm):
    """The article editor: an article credits at least one author, each once, even as a draft.

    "Additional sections" offers every section but the one the story is filed under (its parent).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("additional_sections")
        parent = getattr(self, "parent_page", None)
        if field is not None and parent is not None:
            field.queryset = field.queryset.exclude(pk=parent.pk).order_by("title")

    def clean(self):
        cleaned_data = super().clean()
        formset = self.formsets.get("article_authors")
        if formset is not None and formset.is_valid():
            credited = [
                form
                for form in formset.forms
                if form.cleaned_data.get("author") and not form.cleaned_data.get("DELETE")
            ]
            if not credited:
                self.add_error(None, "Credit at least one author in the Authors panel.")
            authors = [form.cleaned_data["author"] for form in credited]
            for author in {a for a in authors if authors.count(a) > 1}:
                self.add_error(None, f"{author} is credited more than once.")
        return cleaned_data
