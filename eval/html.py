"""Self-contained HTML for the reports: one page, inline CSS and script, no network.

The per-document table is the centre of a report: a header click sorts it by that
column (again: the other way round), a row click opens the documents' texts beside each
other.  Rows carry their values in ``data-`` attributes; the texts of an open row come
from one JSON block, gzip-compressed and base64-encoded in the page (sources repeat per
length and marked text compresses well: a Klexikon run's page shrinks to about a third)
and unpacked by the browser's own ``DecompressionStream`` on the first row opened, so a
thousand documents make one fast, small page.
"""

from __future__ import annotations

import base64
import gzip
import html
import json
from dataclasses import dataclass, field

STYLE = """
body{font-family:system-ui,sans-serif;max-width:1200px;margin:2em auto;padding:0 1em;
color:#222}table{border-collapse:collapse;margin:1em 0;font-size:.9em}
td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:top}
th{background:#f3f3f3}code{font-size:.85em;word-break:break-all}img{max-width:100%}
table.docs th{cursor:pointer;user-select:none}table.docs th[aria-sort=ascending]::after{
content:" ▲"}table.docs th[aria-sort=descending]::after{content:" ▼"}
table.docs tr.doc{cursor:pointer}table.docs tr.doc:hover{background:#f6f9ff}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.side{display:grid;grid-template-columns:repeat(auto-fit,minmax(240px,1fr));gap:.8em}
.side div{background:#fafafa;border:1px solid #eee;padding:.5em;white-space:pre-wrap;
max-height:28em;overflow:auto}mark{background:#ffe58a;padding:0}
.note{color:#555;font-size:.9em}.pair{display:grid;grid-template-columns:1fr 1fr;gap:1em}
.pair table{width:100%}
"""

SCRIPT = """
function loadTexts(block) {
  var bytes = Uint8Array.from(atob(block.textContent.trim()), function (c) {
    return c.charCodeAt(0);
  });
  var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Response(stream).text().then(JSON.parse);
}
document.querySelectorAll('table.docs').forEach(function (table) {
  var block = document.getElementById(table.dataset.texts);
  var texts = null;  // a Promise of {row key: [[title, html], ...]}, made on first use
  var body = table.tBodies[0];
  function closeAll() {
    body.querySelectorAll('tr.detail').forEach(function (row) { row.remove(); });
  }
  function isOpen(row) {
    var next = row.nextElementSibling;
    return next && next.classList.contains('detail') ? next : null;
  }
  table.tHead.querySelectorAll('th').forEach(function (th, column) {
    th.addEventListener('click', function () {
      var ascending = th.getAttribute('aria-sort') !== 'ascending';
      table.tHead.querySelectorAll('th').forEach(function (other) {
        other.removeAttribute('aria-sort');
      });
      th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
      closeAll();
      var rows = Array.prototype.slice.call(body.querySelectorAll('tr.doc'));
      var numeric = th.dataset.type === 'number';
      rows.sort(function (a, b) {
        var x = a.cells[column].dataset.value, y = b.cells[column].dataset.value;
        var order = numeric ? parseFloat(x) - parseFloat(y) : x.localeCompare(y);
        return ascending ? order : -order;
      });
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });
  body.addEventListener('click', function (event) {
    var row = event.target.closest('tr.doc');
    if (!row) { return; }
    var open = isOpen(row);
    if (open) { open.remove(); return; }
    texts = texts || loadTexts(block);
    texts.then(function (all) {
      if (isOpen(row)) { return; }  // a second click came first
      var detail = document.createElement('tr');
      detail.className = 'detail';
      var cell = document.createElement('td');
      cell.colSpan = row.cells.length;
      cell.innerHTML = '<div class="side">' + all[row.dataset.key].map(function (part) {
        return '<div><strong>' + part[0] + '</strong>\\n' + part[1] + '</div>';
      }).join('') + '</div>';
      detail.appendChild(cell);
      row.after(detail);
    });
  });
});
"""


def esc(text: object) -> str:
    return html.escape(str(text))


def page(title: str, body: list[str]) -> str:
    """A complete page: inline style and script, nothing fetched (not even a favicon)."""
    return "\n".join([
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        "<link rel='icon' href='data:,'>",
        f"<title>{esc(title)}</title><style>{STYLE}</style></head><body>",
        *body, f"<script>{SCRIPT}</script>", "</body></html>\n"])


def table(header: list[str], rows: list[list[str]]) -> str:
    """A plain table of already formatted strings."""
    head = "".join(f"<th>{esc(h)}</th>" for h in header)
    cells = "".join("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in row) + "</tr>"
                    for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{cells}</tbody></table>"


@dataclass
class DocumentTable:
    """The sortable, expandable per-document table of a report."""

    name: str
    columns: list[tuple[str, str]]  # (label, "text" | "number" | "count")
    rows: list[tuple[str, list[object]]] = field(default_factory=list)  # (key, values)
    texts: dict[str, list[tuple[str, str]]] = field(default_factory=dict)

    def add(self, key: str, values: list[object], texts: list[tuple[str, str]]) -> None:
        """One document: its cell values and the (title, HTML) texts shown when opened."""
        self.rows.append((key, values))
        self.texts[key] = [(esc(title), body) for title, body in texts]

    def render(self) -> str:
        head = "".join(f"<th data-type='{'text' if kind == 'text' else 'number'}'>"
                       f"{esc(label)}</th>" for label, kind in self.columns)
        body = []
        for key, values in self.rows:
            cells = []
            for (_, kind), value in zip(self.columns, values, strict=True):
                if kind in ("number", "count"):
                    cells.append(f"<td class='num' data-value='{float(value)!r}'>"
                                 f"{format_number(float(value), kind)}</td>")
                else:
                    cells.append(f"<td data-value='{esc(value)}'>{esc(value)}</td>")
            body.append(f"<tr class='doc' data-key='{esc(key)}'>{''.join(cells)}</tr>")
        return (f"<table class='docs' id='{self.name}' data-texts='{self.name}-texts'>"
                f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
                f"<script type='application/gzip+base64' id='{self.name}-texts'>"
                f"{packed_json(self.texts)}</script>")


def packed_json(data: object) -> str:
    """``data`` as JSON, gzip-compressed (no timestamp: the same report, the same bytes)
    and base64-encoded, for ``loadTexts`` in the page to unpack."""
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return base64.b64encode(gzip.compress(raw, compresslevel=9, mtime=0)).decode("ascii")


def format_number(value: float, kind: str = "number") -> str:
    """A score with two decimals; a count (words, numbers) as the integer it is."""
    if kind == "count" and value.is_integer():
        return str(int(value))
    return f"{value:.1f}" if kind == "count" else f"{value:.2f}"
