#!/usr/bin/env python3
"""Cross-reference report for a built archive.

    bench/xref_report.py CONTENT_DIR OUTPUT_DIR

Reads every seed-format article under CONTENT_DIR (its source URL and the
links of its body), then every article page under OUTPUT_DIR, and reports:

- related links whose target is an article of the archive, and how many of
  them the built page points to the local copy (the target should be 100%);
- related links to pages outside the archive, and how many are marked
  external;
- article pages missing a date, topic, breadcrumbs, or previous/next links;
- month pages whose article count differs from the archive chart.

Exit status 1 when a local target is not linked locally or a page lacks
navigation. Standard library only.
"""
import html.parser
import os
import re
import sys
import urllib.parse
from collections import Counter


def key(url):
    """The same URL normalization duben documents (README, 'Cross-references')."""
    u = urllib.parse.urlsplit(url.strip())
    host = (u.hostname or "").lower()
    if host.startswith("www."):
        host = host[4:]
    port = f":{u.port}" if u.port and u.port not in (80, 443) else ""
    path = re.sub(r"%[0-9a-fA-F]{2}", lambda m: m.group(0).upper(), u.path).rstrip("/")
    drop = {"fbclid", "gclid", "t", "feedtype", "feedname", "from", "ref", "spm", "src", "share", "amp"}
    q = sorted((k, v) for k, v in urllib.parse.parse_qsl(u.query, keep_blank_values=True)
               if not k.lower().startswith("utm_") and k.lower() not in drop)
    return host + port + path + ("?" + "&".join(f"{k}={v}" for k, v in q) if q else "")


class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.stack = []
        self.source = None
        self.related = []  # (class of li, href)
        self.li_class = None
        self.in_related = False
        self.has = Counter()
        self.chart = {}
        self.title = None
        self.cards = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        cls = a.get("class", "")
        if tag == "aside" and "related" in cls:
            self.in_related = True
        if self.in_related and tag == "li":
            self.li_class = cls
        if self.in_related and tag == "a" and self.li_class is not None:
            self.related.append((self.li_class, a.get("href", "")))
        if tag == "a" and "source-link" in cls:
            self.source = a.get("href")
        if tag == "nav" and "breadcrumbs" in cls:
            self.has["breadcrumbs"] += 1
        if tag == "a" and "topic-chip" in cls:
            self.has["topic"] += 1
        if tag == "time":
            self.has["date"] += 1
        if tag == "a" and cls in ("newer", "older"):
            self.has["prevnext"] += 1
        if tag == "li" and cls == "card":
            self.cards += 1
        if tag == "title":
            self.title = ""
        self.stack.append(tag)

    def handle_endtag(self, tag):
        if tag == "aside":
            self.in_related = False
        if tag == "li":
            self.li_class = None

    def handle_data(self, data):
        if self.stack and self.stack[-1] == "title" and self.title is not None:
            m = re.match(r"(\d{4})-(\d{2}): (\d+)$", data.strip())
            if m:
                self.chart[f"{m.group(1)}/{m.group(2)}"] = int(m.group(3))


def read_corpus(content):
    urls, related = {}, {}
    for root, _, files in os.walk(content):
        for f in files:
            if not f.endswith(".md"):
                continue
            text = open(os.path.join(root, f), encoding="utf-8", errors="replace").read()
            m = re.search(r"^\[.*\]\((\S+)\)\s*$", text, re.M)
            if not m:
                continue
            url = m.group(1)
            urls[key(url)] = url
            ul = re.search(r"<ul>(.*?)</ul>", text, re.S)
            related[key(url)] = re.findall(r'href="([^"]+)"', ul.group(1)) if ul else []
    return urls, related


def main(content, out):
    urls, related = read_corpus(content)
    pages = {}
    months = {}
    problems = []
    for root, _, files in os.walk(out):
        for f in files:
            if not f.endswith(".html"):
                continue
            path = os.path.join(root, f)
            rel = os.path.relpath(path, out)
            p = Page()
            p.feed(open(path, encoding="utf-8").read())
            if p.source:
                pages[key(p.source)] = (rel, p)
            if re.match(r"\d{4}/\d{2}/(index|page-\d+)\.html$", rel):
                months.setdefault(rel[:7], 0)
                months[rel[:7]] += p.cards
            if rel == os.path.join("archive", "index.html"):
                chart = p.chart
    local_ok = local_total = ext_total = ext_marked = 0
    for k, (rel, p) in pages.items():
        for name in ("date", "topic", "breadcrumbs", "prevnext"):
            if not p.has[name]:
                problems.append(f"{rel}: no {name}")
        expected = related.get(k, [])
        shown = p.related
        for href, (li_class, link) in zip(expected, shown):
            if key(href) in urls:
                local_total += 1
                if li_class == "local" and not link.startswith("http"):
                    local_ok += 1
                else:
                    problems.append(f"{rel}: related {href} is in the archive but not linked locally")
            else:
                ext_total += 1
                ext_marked += li_class == "external"
    for month, n in sorted(months.items()):
        if chart.get(month) != n:
            problems.append(f"chart says {chart.get(month)} for {month}, its pages list {n}")
    print(f"article pages: {len(pages)}")
    print(f"related links to archive articles: {local_total}, linked locally: {local_ok}"
          f" ({100.0 * local_ok / max(local_total, 1):.1f}%)")
    print(f"related links outside the archive: {ext_total}, marked external: {ext_marked}")
    print(f"months checked against the chart: {len(months)}")
    for pr in problems[:20]:
        print("problem:", pr)
    print(f"problems: {len(problems)}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
