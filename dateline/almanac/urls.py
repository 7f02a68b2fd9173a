"""URLs of the On this day pages: /on-this-day/, /on-this-day/<month>-<day>/ and the feed."""

from django.urls import path, register_converter

from dateline.almanac import views

app_name = "almanac"


class DayNumberConverter:
    """One or two digits; the view rejects days that do not exist (31 April) with a 404."""

    regex = "[0-9]{1,2}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(DayNumberConverter, "daynum")

urlpatterns = [
    path("", views.today_page, name="today"),
    path("feed/", views.DailyEntryFeed(), name="feed"),
    path("<daynum:month>-<daynum:day>/", views.day_page, name="date"),
]
