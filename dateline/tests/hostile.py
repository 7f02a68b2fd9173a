"""Hostile content: the payloads every page type and output must survive (issue 16).

Each payload belongs to a named category. An *executable* payload, if a browser ever ran it, calls
`window.__dl_hit` with the payload's id (written as a tagged template, `__dl_hit`id``, so it needs no
quotes inside attributes) or opens a dialog or navigates away, so the browser suite's detector can say
which one got through. The others (broken markup, very long input, bidi and zero-width characters,
homoglyphs, characters that end a script element or break JSON and XML) cannot run anything; they
must not break a page, a feed, a sitemap or a JSON-LD block, and where a text is shown as text it must
come back as the editor wrote it.

`PAYLOADS` is the fixture; `short()` gives the form of a payload that fits a field of a given length,
so each field carries as much of it as the field can hold. The tests that use it:
`test_hostile_content.py` (every page and output, server side) and
`browser/test_hostile_browser.py` (the same pages in Chromium with a page-wide detector).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

MARKER = "__dl_hit"


@dataclass(frozen=True)
class Payload:
    """One hostile text: its id (what the detector reports), its category, and the text itself."""

    id: str
    category: str
    text: str
    executable: bool = True
    # Where the payload runs when written unescaped ("{}" is the payload): in the body, or inside
    # an attribute it breaks out of. The browser suite's detector is shown to catch it there.
    context: str = "{}"

    def short(self, limit: int) -> str:
        """Return the payload cut to `limit` characters (a field's maximum length)."""
        return self.text[:limit]


def _hit(ident: str) -> str:
    return f"{MARKER}`{ident}`"


def _p(
    category: str, ident: str, template: str, *, executable: bool = True, context: str = "{}"
) -> Payload:
    # `{hit}` in a template is the call the payload makes if it ever runs.
    return Payload(
        id=ident,
        category=category,
        text=template.replace("{hit}", _hit(ident)),
        executable=executable,
        context=context,
    )


_DEEP = "<b><i>" * 400 + "deep" + "</i></b>" * 400
_DIVS = "<div>" * 2000 + "divs"
_LONG_WORD = "Ab" * 30_000
_LONG_WORDS = ("long " * 12_000).strip()

PAYLOADS: tuple[Payload, ...] = (
    # Script elements, whole or smuggled.
    _p("script", "script-plain", "<script>{hit}</script>"),
    _p("script", "script-src", '<script src="data:text/javascript,{hit}"></script>'),
    # Runs only where a naive filter strips the inner <script> once; harmless as it stands.
    _p("script", "script-split", "<scr<script>ipt>{hit}</scr</script>ipt>", executable=False),
    _p("script", "script-close-p", "</p><script>{hit}</script><p>"),
    _p("script", "script-upper", "<SCRIPT>{hit}</SCRIPT>"),
    _p(
        "script", "script-iframe-srcdoc", '<iframe srcdoc="<script>parent.{hit}</script>"></iframe>'
    ),
    _p("script", "script-textarea", "</textarea></title><script>{hit}</script>"),
    # Event-handler attributes, in markup and breaking out of an attribute.
    _p("event-handler", "on-img-onerror", "<img src=x onerror={hit}>"),
    _p("event-handler", "on-body-onload", "<body onload={hit}>"),
    _p(
        "event-handler",
        "on-details-toggle",
        "<details open ontoggle={hit}><summary>x</summary></details>",
    ),
    _p("event-handler", "on-autofocus", "<input autofocus onfocus={hit}>"),
    _p(
        "event-handler",
        "on-attr-breakout-dq",
        '"><img src=x onerror={hit}>',
        context='<input value="{}">',
    ),
    _p(
        "event-handler",
        "on-attr-breakout-sq",
        "' autofocus onfocus='{hit}' x='",
        context="<input value='{}'>",
    ),
    _p("event-handler", "on-video-onerror", "<video><source onerror={hit}></video>"),
    _p("event-handler", "on-mouseover", "<a onmouseover={hit} href=#>hover</a>"),
    # Dangerous URL schemes in links, frames, objects and images.
    _p("url-scheme", "url-javascript", '<a href="javascript:{hit}">js</a>'),
    _p("url-scheme", "url-javascript-case", '<a href="JaVaScRiPt:{hit}">js</a>'),
    _p("url-scheme", "url-javascript-entity", '<a href="&#106;avascript:{hit}">js</a>'),
    _p("url-scheme", "url-javascript-tab", '<a href="java\tscript:{hit}">js</a>'),
    _p("url-scheme", "url-javascript-space", '<a href=" javascript:{hit}">js</a>'),
    _p("url-scheme", "url-bare", "javascript:{hit}"),
    _p(
        "url-scheme",
        "url-data-html",
        '<a href="data:text/html,<script>{hit}</script>">data</a>',
    ),
    _p("url-scheme", "url-data-iframe", '<iframe src="data:text/html,<script>{hit}</script>">'),
    _p("url-scheme", "url-vbscript", '<a href="vbscript:msgbox(1)">vb</a>'),
    _p("url-scheme", "url-object", '<object data="javascript:{hit}"></object>'),
    _p("url-scheme", "url-embed", '<embed src="javascript:{hit}">'),
    _p(
        "url-scheme",
        "url-form-action",
        '<form action="javascript:{hit}"><button>go</button></form>',
    ),
    _p(
        "url-scheme",
        "url-meta-refresh",
        '<meta http-equiv="refresh" content="0;url=javascript:{hit}">',
    ),
    _p("url-scheme", "url-base", '<base href="javascript:{hit}//">'),
    # SVG and MathML: foreign content where parsers disagree (mutation XSS).
    _p("svg-math", "svg-onload", "<svg onload={hit}>"),
    _p("svg-math", "svg-script", "<svg><script>{hit}</script></svg>"),
    _p("svg-math", "svg-animate", "<svg><animate onbegin={hit} attributeName=x dur=1s>"),
    _p(
        "svg-math",
        "svg-foreignobject",
        "<svg><foreignObject><img src=x onerror={hit}></foreignObject></svg>",
    ),
    _p(
        "svg-math",
        "svg-xlink",
        '<svg><a xlink:href="javascript:{hit}"><text x=0 y=20>x</text></a></svg>',
    ),
    _p("svg-math", "math-href", '<math href="javascript:{hit}">x</math>'),
    _p(
        "svg-math",
        "math-mglyph-style",
        "<math><mtext><table><mglyph><style><img src=x onerror={hit}>",
    ),
    _p(
        "svg-math",
        "math-form-mxss",
        "<form><math><mtext></form><form><mglyph><style></math><img src onerror={hit}>",
    ),
    _p(
        "svg-math",
        "noscript-mxss",
        '<noscript><p title="</noscript><img src=x onerror={hit}>"></noscript>',
    ),
    _p("svg-math", "svg-data-img", '<img src="data:image/svg+xml,<svg onload=alert(1)>">'),
    # Broken and deeply nested markup.
    _p("broken-markup", "broken-unclosed", '<p><b><i>unclosed <a href="', executable=False),
    _p(
        "broken-markup", "broken-closers", "</div></main></article></body></html>", executable=False
    ),
    _p("broken-markup", "broken-comment", "<!-- never closed", executable=False),
    _p("broken-markup", "broken-cdata", "]]><![CDATA[ x ]]>", executable=False),
    _p("broken-markup", "broken-style", "<style>body{display:none}</style>", executable=False),
    _p("broken-markup", "broken-angles", "<<>><</>a<b <p <", executable=False),
    _p("broken-markup", "nested-inline", _DEEP, executable=False),
    _p("broken-markup", "nested-divs", _DIVS, executable=False),
    # Very long input.
    _p("long", "long-word", _LONG_WORD, executable=False),
    _p("long", "long-words", _LONG_WORDS, executable=False),
    # Bidirectional overrides, zero-width characters and homoglyphs.
    _p("unicode", "bidi-rlo", "Budget \u202eevlos\u202c approved", executable=False),
    _p(
        "unicode",
        "bidi-isolates",
        "\u2067Mayor\u2069 \u2066resigns\u2069 \u200fnow\u200e",
        executable=False,
    ),
    _p(
        "unicode", "zero-width", "Zero\u200bwidth\u200c join\u200d\ufeffers\u2060", executable=False
    ),
    _p("unicode", "homoglyph", "D\u0430teline \u0440\u0430ypal.com \u13aaBC", executable=False),
    _p(
        "unicode",
        "combining",
        "Z\u0351\u0352\u0353a\u0354\u0355l\u0356\u0357go" * 5,
        executable=False,
    ),
    # What ends a script element or a JSON, XML or JavaScript string.
    _p("json-breaker", "json-script-close", "</script><script>{hit}</script>"),
    _p("json-breaker", "json-script-close-case", "</ScRiPt ><img src=x onerror={hit}>"),
    # Harmless as markup; inside a script element it would swallow what follows.
    _p("json-breaker", "json-comment-open", "<!--<script>{hit}</script>-->", executable=False),
    _p("json-breaker", "json-line-separators", "one\u2028two\u2029three", executable=False),
    _p("json-breaker", "json-quotes", '"}]},{"@type":"Person","x":"\\\\', executable=False),
    _p("json-breaker", "xml-control", "tab\tbell\x07vt\x0bnul\x00esc\x1b end", executable=False),
    _p(
        "json-breaker",
        "xml-entities",
        "&amp; &lt; &#0; &#xD800; &nbsp; &bogus; &",
        executable=False,
    ),
)

CATEGORIES: tuple[str, ...] = tuple(dict.fromkeys(p.category for p in PAYLOADS))
BY_ID: dict[str, Payload] = {p.id: p for p in PAYLOADS}


def category_counts() -> dict[str, int]:
    """Return how many payloads each category holds, in the fixture's order (for reports and docs)."""
    counts = Counter(p.category for p in PAYLOADS)
    return {category: counts[category] for category in CATEGORIES}


def executable_ids() -> set[str]:
    """Return the ids of the payloads that would call the marker (or alert) if they ever ran."""
    return {p.id for p in PAYLOADS if p.executable}


# Building a newsroom out of the payloads --------------------------------------------------------

# The day the almanac's hostile events fall on besides today (the date page the tests visit).
EVENT_DATE = (12, 9)


@dataclass
class HostileNewsroom:
    """What `hostile_newsroom_build` wrote, payload id by payload id: the pages a reader can visit."""

    articles: dict[str, object]
    authors: dict[str, object]
    tags: dict[str, object]
    sections: dict[str, object]
    standard_pages: dict[str, object]

    def page_paths(self, ident: str) -> dict[str, str]:
        """Return the reader pages that carry payload `ident`: its article, author, tag, section and
        standard page (each of which shows it in every field it has)."""
        from dateline.newsroom.models import tag_path

        return {
            "article": self.articles[ident].url,
            "author": self.authors[ident].get_absolute_url(),
            "tag": tag_path(self.tags[ident].slug),
            "section": self.sections[ident].url,
            "standard-page": self.standard_pages[ident].url,
        }


def _picture(index: int) -> bytes:
    """Return a small PNG of its own colour (images are matched on their content's hash)."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (48, 32), (index * 3 % 256, 90, 200 - index % 200)).save(buffer, format="PNG")
    return buffer.getvalue()


def body_for(payload: Payload, image_id: int) -> list[dict]:
    """Return StreamField data putting `payload` in every kind of body block and field."""
    return [
        {"type": "paragraph", "value": f"<p>Hostile {payload.id}: {payload.text}</p>"},
        {"type": "paragraph", "value": payload.text},
        {"type": "subheading", "value": payload.short(200)},
        {"type": "heading", "value": {"text": payload.short(200), "level": 2}},
        {"type": "quote", "value": {"text": payload.text, "attribution": payload.short(200)}},
        {
            "type": "image",
            "value": {
                "image": image_id,
                "alt_text": payload.short(250),
                "caption": payload.short(400),
                "credit": payload.short(200),
            },
        },
        {
            "type": "table",
            "value": {
                "data": [[payload.short(500), "cell"], ["cell", payload.short(500)]],
                "first_row_is_table_header": False,
                "first_col_is_header": False,
            },
        },
    ]


def hostile_newsroom_build(payloads: tuple[Payload, ...] = PAYLOADS) -> HostileNewsroom:
    """Write a newsroom made of `payloads` through the services every editor and importer uses.

    For each payload: a section (title and intro), an author (name and bio), a tag, a library
    image (title and description, the alt text), an article carrying it in its headline,
    standfirst, lead picture caption and credit and every body block, a standard page (title,
    intro, body), and almanac events today and on `EVENT_DATE` (text, source, topic, and a
    link carrying it). Returns the pages by payload id.

    The first payload of each category goes the editor's way, one page at a time with every
    signal (`section_ensure`, `article_save`, `standard_page_ensure`); the others the importers'
    way (`articles_create_bulk`, `pages_create_bulk`, then one rebuild of the indexes), so both
    write paths meet every category and the build stays short. Related News runs in lexical
    mode: its lists still show the hostile headlines, without model time per story.
    """
    from django.test import override_settings

    with override_settings(DATELINE_RELATED_MODE="lexical"):
        return _build(payloads)


def _build(payloads: tuple[Payload, ...]) -> HostileNewsroom:
    import json
    from urllib.parse import quote

    from django.utils import timezone

    from dateline.almanac.importing import EventRow
    from dateline.almanac.services import events_import
    from dateline.core.pages import NewPage, pages_create_bulk
    from dateline.core.plaintext import data_carried, text_carried
    from dateline.importers.followup import archive_indexes_rebuild
    from dateline.newsroom import services
    from dateline.newsroom.models import SectionPage
    from dateline.pages.models import StandardPage
    from dateline.pages.services import standard_page_ensure

    home = services.site_ensure()
    built = HostileNewsroom(articles={}, authors={}, tags={}, sections={}, standard_pages={})
    now = timezone.now()
    one_by_one = {next(p.id for p in payloads if p.category == c) for c in CATEGORIES}
    bulk = [p for p in payloads if p.id not in one_by_one]
    # Sections and standard pages of the bulk payloads, in two multi-row writes.
    new_sections = [
        NewPage(
            parent=home,
            # As the importers' bulk writes store them (`core.plaintext`).
            page=SectionPage(
                title=text_carried(p.short(255)),
                slug=f"hostile-{p.id}",
                intro=text_carried(p.text),
                show_in_menus=False,
            ),
            publish=True,
        )
        for p in bulk
    ]
    pages_create_bulk(new_sections)
    images = {}
    for index, payload in enumerate(payloads):
        slug = f"hostile-{payload.id}"
        built.authors[payload.id] = services.author_ensure(
            slug=slug, name=payload.short(200), bio=payload.text
        )
        built.tags[payload.id] = services.tag_ensure(name=payload.short(100))
        images[payload.id] = services.image_ensure(
            data=_picture(index),
            name=f"{slug}.png",
            title=payload.short(255),
            description=payload.short(255),
        )
    for entry, payload in zip(new_sections, bulk, strict=True):
        built.sections[payload.id] = entry.page
    stories = []
    for index, payload in enumerate(payloads):
        slug = f"hostile-{payload.id}"
        if payload.id in one_by_one:
            built.sections[payload.id] = services.section_ensure(
                home=home, slug=slug, title=payload.short(255), intro=payload.text
            )
        fields = services.ArticleFields(
            section=built.sections[payload.id],
            slug=slug,
            title=payload.short(255),
            standfirst=payload.text,
            body=body_for(payload, images[payload.id].pk),
            authors=[built.authors[payload.id]],
            tags=[built.tags[payload.id]],
            lead_image=images[payload.id],
            lead_image_caption=payload.short(400),
            lead_image_credit=payload.short(200),
            published_at=now - timezone.timedelta(minutes=index + 1),
        )
        if payload.id in one_by_one:
            built.articles[payload.id] = services.article_save(**vars(fields))
            built.standard_pages[payload.id] = standard_page_ensure(
                parent=home,
                slug=f"about-{slug}",
                title=payload.short(255),
                intro=payload.text,
                body=body_for(payload, images[payload.id].pk),
            )
        else:
            stories.append((payload, fields))
    for (payload, _fields), article in zip(
        stories, services.articles_create_bulk([f for _p, f in stories]), strict=True
    ):
        built.articles[payload.id] = article
    new_pages = [
        NewPage(
            parent=home,
            page=StandardPage(
                title=text_carried(p.short(255)),
                slug=f"about-hostile-{p.id}",
                intro=text_carried(p.text),
                body=json.dumps(data_carried(body_for(p, images[p.id].pk))),
            ),
            publish=True,
        )
        for p in bulk
    ]
    pages_create_bulk(new_pages)
    for entry, payload in zip(new_pages, bulk, strict=True):
        built.standard_pages[payload.id] = entry.page
    archive_indexes_rebuild()
    rows = [
        EventRow(
            month=month,
            day=day,
            year=1900 + index,
            text=payload.short(500),
            # A web address with the payload in it: `events_import` refuses any other scheme
            # (`test_hostile_content` tries it).
            link="https://example.org/?q=" + quote(payload.short(60), safe=""),
            source=payload.short(200),
            topics=(payload.short(100),),
            weight=10,
        )
        for index, payload in enumerate(payloads)
        for month, day in ((now.month, now.day), EVENT_DATE)
    ]
    events_import(rows=rows, reviewed=True)
    return built


# What a page must not contain -------------------------------------------------------------------

_DANGEROUS_SCHEMES = ("javascript:", "data:", "vbscript:")
_URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "xlink:href", "poster", "srcdoc"}
# Elements no page of ours draws, so any found came from content.
_FOREIGN_ELEMENTS = {"iframe", "object", "embed", "base", "svg", "math", "style", "form", "frame"}
# Chrome ignores these in a URL's scheme, as the URL standard says: "java\tscript:" is "javascript:".
_URL_IGNORED = dict.fromkeys(range(0x21), None)


def scheme_is_dangerous(url: str) -> bool:
    """Return whether a browser would read `url` as a javascript:, data: or vbscript: URL."""
    return url.translate(_URL_IGNORED).lower().startswith(_DANGEROUS_SCHEMES)


def html_hazards(markup: str) -> list[str]:
    """Return what in a page could run script or load what content put there, parsed as a browser
    would (html5lib): event-handler attributes, dangerous URLs, script elements other than our
    JSON-LD, elements our templates never use (frames, objects, <svg>, <math>, <style>, <base>,
    forms other than the search form) and <meta> refreshes."""
    import html5lib

    document = html5lib.parse(markup, treebuilder="etree", namespaceHTMLElements=False)
    found = []
    for element in document.iter():
        if not isinstance(element.tag, str):
            continue  # a comment
        tag = element.tag.rsplit("}", 1)[-1].lower()
        for name, value in element.attrib.items():
            name = name.rsplit("}", 1)[-1].lower() if name.startswith("{") else name.lower()
            if name.startswith("on"):
                found.append(f"<{tag} {name}=...>")
            if (name in _URL_ATTRIBUTES or name.endswith("href")) and scheme_is_dangerous(value):
                found.append(f"<{tag} {name}={value[:40]!r}>")
        if tag == "script" and element.get("type") != "application/ld+json":
            found.append(f"<script> {(element.text or '')[:40]!r}")
        if tag == "form" and element.get("role") == "search":
            continue
        if tag in _FOREIGN_ELEMENTS:
            found.append(f"<{tag}>")
        if tag == "meta" and element.get("http-equiv", "").lower() == "refresh":
            found.append("<meta http-equiv=refresh>")
    return found


def json_ld_blocks(markup: str) -> list[str]:
    """Return the raw text of every JSON-LD script element of a page, as a browser splits them."""
    import html5lib

    document = html5lib.parse(markup, treebuilder="etree", namespaceHTMLElements=False)
    return [
        element.text or ""
        for element in document.iter("script")
        if element.get("type") == "application/ld+json"
    ]
