#!/usr/bin/env python3
"""HTML report tests in headless Chromium (issue 7).

Renders reports for the samples and for messages with hostile header values, then:
  * statically: only known elements, no on* attributes, no script/img/iframe/object, only
    in-page links, the Content-Security-Policy present;
  * in Chromium (--dump-dom): the DOM after load has one hop row per hop, the timeline chart,
    and no mark left by a payload (payloads try to set data-pwned on <body>); bidi overrides
    are shown as visible text, never as the control character;
  * a positive control: the same payloads in a page without escaping or CSP DO set the mark,
    so the check above can see a script that runs;
  * screenshots (--screenshot) saved under the build tree.
Every Chromium started here runs in its own process group and is killed by that id.
"""
import argparse
import html.parser
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile

CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-extensions", "--hide-scrollbars", "--mute-audio",
]

MARK = "data-pwned"
PAYLOADS = [
    '<img src=x onerror=alert(1)>',
    '<img src=x onerror="document.body.setAttribute(\'data-pwned\',\'img\')">',
    '"><script>document.body.setAttribute(\'data-pwned\',\'script\')</script>',
    "'><svg onload=\"document.body.setAttribute('data-pwned','svg')\">",
    '"><script>alert(1)</script>',
    'javascript:alert(1)',
    '</style><script>document.body.setAttribute(\'data-pwned\',\'style\')</script>',
    ']]><script>document.body.setAttribute(\'data-pwned\',\'cdata\')</script>',
    '</title><script>document.body.setAttribute(\'data-pwned\',\'title\')</script>',
    '<a href="javascript:document.body.setAttribute(\'data-pwned\',\'href\')">x</a>',
    '<bdi><base href=//evil.example/><meta http-equiv=refresh content=0;url=//evil.example>',
]
RLO = "\u202e"

ALLOWED_TAGS = {
    "html", "head", "meta", "title", "style", "body", "header", "footer", "section", "h1",
    "h2", "h3", "p", "dl", "dt", "dd", "table", "thead", "tbody", "tr", "th", "td", "div",
    "span", "bdi", "a", "ul", "li", "code", "svg", "g", "line", "text", "rect", "circle",
    "path",
}

failures = []


def fail(message):
    failures.append(message)
    print("FAIL:", message, flush=True)


def hostile_messages():
    """(name, bytes) pairs: each header value that reaches the report carries a payload."""
    out = []
    for i, p in enumerate(PAYLOADS):
        lines = [
            f"Received: from mx.attacker.example ({p} [198.51.100.7]) by mx{i}.{p}.example "
            f"with ESMTP id {p}; Tue, 19 Jun 2001 01:16:04 +0800",
            f"Received: from helo.{p} (rdns.{p} [203.0.113.9]) by relay.{p} with SMTP; "
            f"Tue, 19 Jun 2001 01:15:04 +0800",
            f"From: \"{p}\" <evil@{p}.example>",
            f"To: {p}",
            f"Subject: {p}",
            f"Message-ID: <{p}@example>",
            f"X-{i}-Note: {p}",
            "Date: Tue, 19 Jun 2001 01:14:00 +0800",
        ]
        out.append((f"hostile-{i}", ("\n".join(lines) + "\n\nbody\n").encode()))
    bidi = (
        f"Received: from gmail.com{RLO}moc.live (x [198.51.100.8]) by mx.{RLO}example.com "
        "with SMTP; Tue, 19 Jun 2001 01:16:04 +0800\n"
        f"From: \"paypal{RLO}lmth.exe\" <a@b.example>\nSubject: invoice{RLO}fdp.exe\n"
        "Date: Tue, 19 Jun 2001 01:14:00 +0800\n\n"
    ).encode()
    out.append(("hostile-bidi", bidi))
    # NUL, invalid UTF-8 (lone continuation, overlong, truncated), C1 and ESC bytes.
    binary = (
        b"Received: from a\x00b (c [198.51.100.9]) by mx.\xff\xfe.example with SMTP; "
        b"Tue, 19 Jun 2001 01:16:04 +0800\n"
        b"From: \"\xc0\xaf\xe2\x80<script>\x1b[31m\x85\" <x@y.example>\n"
        b"Subject: nul\x00here \xed\xa0\x80 ]]> </style>\n"
        b"Date: Tue, 19 Jun 2001 01:14:00 +0800\n\n"
    )
    out.append(("hostile-bytes", binary))
    return out


class Inspector(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags = []
        self.attrs = []  # (tag, name, value)
        self.text = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        for name, value in attrs:
            self.attrs.append((tag, name, value or ""))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_data(self, data):
        self.text.append(data)


def inspect(markup):
    p = Inspector()
    p.feed(markup)
    p.close()
    return p


def static_checks(name, markup):
    p = inspect(markup)
    unknown = set(p.tags) - ALLOWED_TAGS
    if unknown:
        fail(f"{name}: unexpected elements {sorted(unknown)}")
    for tag, attr, value in p.attrs:
        if attr.startswith("on"):
            fail(f"{name}: event handler attribute {attr} on <{tag}>")
        if attr == "href" and not value.startswith("#"):
            fail(f"{name}: link out of the page: {value!r}")
        if attr in ("src", "srcdoc", "action", "formaction", "xlink:href", MARK):
            fail(f"{name}: attribute {attr} on <{tag}>")
    csp = [v for t, a, v in p.attrs if t == "meta" and a == "content" and "default-src" in v]
    if not csp or "default-src 'none'" not in csp[0] or "script-src 'none'" not in csp[0]:
        fail(f"{name}: no strict Content-Security-Policy meta element")
    if RLO in markup:
        fail(f"{name}: a raw U+202E reached the page")
    return p


class Browser:
    """One headless Chromium run; its process group is killed by id when it ends."""

    def __init__(self, chromium, work):
        self.chromium = chromium
        self.work = work

    def run(self, args, timeout=90):
        profile = tempfile.mkdtemp(prefix="chromium-profile-", dir=self.work)
        cmd = [self.chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args]
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                start_new_session=True)
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            out, err = b"", b"timeout"
            fail(f"chromium timed out: {' '.join(args)}")
        finally:
            # The browser's helpers (zygote, renderer, GPU) share its process group.
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait()
            shutil.rmtree(profile, ignore_errors=True)
        return proc.returncode, out.decode("utf-8", "replace"), err.decode("utf-8", "replace")

    def dump_dom(self, path):
        # A virtual time budget lets load-time handlers (img onerror, svg onload) run first.
        _, out, err = self.run(["--virtual-time-budget=3000", "--dump-dom", "file://" + path])
        if "<html" not in out:
            fail(f"no DOM from chromium for {path}: {err[-500:]}")
        return out

    def screenshot(self, path, png, height=1800):
        self.run([f"--screenshot={png}", f"--window-size=1280,{height}", "file://" + path])
        ok = os.path.exists(png) and open(png, "rb").read(8) == b"\x89PNG\r\n\x1a\n"
        if not ok:
            fail(f"no screenshot {png}")
        return ok


def hop_count(cli, message):
    r = subprocess.run([cli, "analyze", "--json", message], capture_output=True, env={
        **os.environ, "TZ": "UTC", "NO_COLOR": "1"})
    try:
        doc = json.loads(r.stdout)
    except json.JSONDecodeError:
        fail(f"{message}: hopscope analyze --json printed no JSON")
        return None, False
    if isinstance(doc, list):
        doc = doc[0]
    hops = doc.get("hops", [])
    return len(hops), any(h.get("time") for h in hops)


def dom_checks(name, dom, hops, dated):
    p = inspect(dom)
    body_marks = [v for t, a, v in p.attrs if a == MARK]
    if body_marks:
        fail(f"{name}: a payload ran in the browser ({body_marks})")
    unknown = set(p.tags) - ALLOWED_TAGS
    if unknown:
        fail(f"{name}: the browser's DOM has unexpected elements {sorted(unknown)}")
    if any(a.startswith("on") for _, a, _ in p.attrs):
        fail(f"{name}: the browser's DOM has an event handler attribute")
    rows = sum(1 for t, a, v in p.attrs if t == "tr" and a == "class" and "hop-row" in v.split())
    if hops is not None and rows != hops:
        fail(f"{name}: {rows} hop rows, expected {hops}")
    if dated:
        marks = sum(1 for t, a, v in p.attrs if t == "g" and a == "class" and "hop-mark" in v)
        svg = any(t == "svg" and a == "class" and v == "timeline" for t, a, v in p.attrs)
        dots = p.tags.count("circle")
        if not svg or marks != hops or dots == 0:
            fail(f"{name}: timeline chart incomplete (svg={svg}, marks={marks}, dots={dots})")
    return p


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tool", required=True, help="render_html_tool")
    ap.add_argument("--cli", required=True, help="the hopscope binary")
    ap.add_argument("--samples", required=True)
    ap.add_argument("--out", required=True, help="work directory under the build tree")
    ap.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    a = ap.parse_args()

    if not os.access(a.chromium, os.X_OK):
        print(f"chromium not found ({a.chromium}); run scripts/install-deps --test")
        return 1
    shutil.rmtree(a.out, ignore_errors=True)
    os.makedirs(a.out)
    out = os.path.abspath(a.out)
    browser = Browser(a.chromium, out)
    cli_has_html = "--html" in subprocess.run([a.cli, "analyze", "--help"],
                                              capture_output=True, text=True).stdout

    cases = []  # (name, message path)
    for f in sorted(os.listdir(a.samples)):
        if f.endswith(".eml"):
            cases.append((f[:-4], os.path.join(a.samples, f)))
    for name, data in hostile_messages():
        path = os.path.join(out, name + ".eml")
        with open(path, "wb") as fh:
            fh.write(data)
        cases.append((name, path))

    for name, message in cases:
        page = os.path.join(out, name + ".html")
        r = subprocess.run([a.tool, message, page], capture_output=True, text=True)
        if r.returncode != 0:
            fail(f"{name}: render_html_tool failed: {r.stderr}")
            continue
        with open(page, encoding="utf-8") as fh:
            markup = fh.read()
        static_checks(name, markup)
        hops, dated = hop_count(a.cli, message)
        dom = browser.dump_dom(page)
        p = dom_checks(name, dom, hops, dated)
        if name == "hostile-bidi":
            text = "".join(p.text)
            if "\\u202E" not in text:
                fail("hostile-bidi: the override is not shown as visible \\u202E")
        if name.startswith("hostile-") and name[8:].isdigit():
            # The Subject is shown as written: the payload must be there as plain text.
            if PAYLOADS[int(name[8:])] not in "".join(p.text):
                fail(f"{name}: the payload text is not visible as text")
        if cli_has_html:
            cli_page = os.path.join(out, name + ".cli.html")
            r = subprocess.run([a.cli, "analyze", "--html", cli_page, message],
                               capture_output=True, text=True)
            if r.returncode != 0 or not os.path.exists(cli_page):
                fail(f"{name}: hopscope analyze --html failed ({r.returncode}): {r.stderr}")
            else:
                static_checks(name + " (cli)", open(cli_page, encoding="utf-8").read())
        print(f"ok {name}: {hops} hops", flush=True)

    # Positive control: the payloads unescaped, without CSP, must leave the mark, or the
    # checks above could not see a script that runs.
    control = os.path.join(out, "control-unsafe.html")
    with open(control, "w", encoding="utf-8") as fh:
        fh.write("<!DOCTYPE html><html><head><title>control</title></head><body><p>"
                 + PAYLOADS[1] + "</p></body></html>")
    marks = [v for t, at, v in inspect(browser.dump_dom(control)).attrs if at == MARK]
    if marks != ["img"]:
        fail(f"positive control: an unescaped payload did not run (marks {marks}); "
             "the browser check cannot be trusted")
    else:
        print("ok positive control: an unescaped payload runs and is detected", flush=True)

    for name in ("o365-phishing-long-chain", "clock-skew", "hostile-1", "hostile-bidi"):
        page = os.path.join(out, name + ".html")
        if os.path.exists(page) and browser.screenshot(page, os.path.join(out, name + ".png")):
            print(f"ok screenshot {name}.png", flush=True)

    if failures:
        print(f"{len(failures)} failure(s)")
        return 1
    print("all HTML checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
