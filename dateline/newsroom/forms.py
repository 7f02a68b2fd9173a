"""Editor forms for newsroom pages."""

from __future__ import annotations

from wagtail.admin.forms import WagtailAdminPageForm


class ArticlePageForm(WagtailAdminPageForm):
    """The article editor: an article credits at least one author, each once, even as a draft."""

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
