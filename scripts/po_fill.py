#!/usr/bin/env python3
"""Fill translations into a gettext .po file from a JSON object {msgid: msgstr}.

Usage: scripts/po_fill.py path/to/django.po translations.json
Only empty msgstr entries are filled; the header's fuzzy flag is removed so msgfmt uses the file.
"""
import json
import re
import sys


def unquote(lines):
    return "".join(json.loads(line) for line in lines)


def quote(text):
    return json.dumps(text, ensure_ascii=False)


def fill(po_text, mapping):
    out, missing = [], []
    for block in po_text.split("\n\n"):
        lines = block.split("\n")
        if any(line.startswith("#, fuzzy") for line in lines) and 'msgid ""\nmsgstr ""' in block:
            lines = [line for line in lines if not line.startswith("#, fuzzy")]
        text = "\n".join(lines)
        match = re.search(r'^msgid ((?:".*"\n?)+)msgstr ((?:".*"\n?)+)', text + "\n", re.M)
        if match and "msgid_plural" not in text:
            msgid = unquote(match.group(1).strip().split("\n"))
            msgstr = unquote(match.group(2).strip().split("\n"))
            if msgid and not msgstr:
                if msgid in mapping:
                    text = text[: match.start(2)] + quote(mapping[msgid]) + "\n" + text[match.end(2):]
                    text = text.rstrip("\n")
                    text = "\n".join(line for line in text.split("\n") if not line.startswith("#, fuzzy"))
                else:
                    missing.append(msgid)
        out.append(text)
    return "\n\n".join(out), missing


if __name__ == "__main__":
    po_path, json_path = sys.argv[1], sys.argv[2]
    with open(json_path, encoding="utf-8") as handle:
        mapping = json.load(handle)
    with open(po_path, encoding="utf-8") as handle:
        result, missing = fill(handle.read(), mapping)
    with open(po_path, "w", encoding="utf-8") as handle:
        handle.write(result)
    for msgid in missing:
        print("untranslated:", msgid[:80])
