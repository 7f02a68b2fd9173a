"""Bring archives into Dateline: WordPress exports and saved article pages (docs/importing.md).

- `pipeline`: what every source shares (the run's transaction and dry run, the records, the skip /
  create / update decision, moves and redirects); `report`: `ImportReport` and `ImportFailed`;
- `wordpress`: `wordpress_import`, with the export's reader in `wordpress.wxr`;
- `html`: `html_import`, with the readers `page_extract` (HTML) and `capture_extract` (text);
- `content`: outside HTML to the body's blocks, for both.
"""
