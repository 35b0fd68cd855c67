#!/usr/bin/env python3
"""Regenerate the delivered sample files from their editable sources.

Usage: python3 build.py [DIR] [NAME...]
DIR defaults to the folder of this script; the holdout set lives in ../tests/holdout and is built
with `python3 build.py ../tests/holdout`. With NAMEs (source names without extension) only those
documents are rebuilt: DOCX/PDF bytes change on every build (timestamps), so rebuild only what
you edited.

DIR/src/NN_name.md   -> DIR/files/NN_name.<fmt>   (docx, odt, rtf via pandoc; rtf-cp1251 =
                        pandoc RTF with \\'xx escapes; pdf, doc (Word 97), rtf-lo, docx-lo and
                        odt-lo via LibreOffice from the pandoc DOCX)
DIR/src/NN_name.txt  -> DIR/files/NN_name.txt     (UTF-8 copy, or windows-1251 with CRLF)

The delivered format of each document is fixed in DIR/formats.tsv (name<TAB>format) so that
regenerating never changes which formats the tests see. Needs pandoc and soffice on PATH.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile

PANDOC_FROM = "markdown-smart"  # no curly quotes/ellipses: evidence quotes must stay exact


def read_formats(root):
    formats = {}
    with open(os.path.join(root, "formats.tsv"), encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            name, fmt = line.split("\t")
            formats[name] = fmt
    return formats


def pandoc(src, out, extra=()):
    subprocess.run(["pandoc", "-f", PANDOC_FROM, *extra, "-o", out, src], check=True)


def build_via_soffice(src, out, target):
    """Markdown -> DOCX (pandoc) -> target (LibreOffice), the way schools produce PDFs; with
    target docx/odt it gives LibreOffice-written packages instead of pandoc-written ones."""
    filters = {"docx": "docx:MS Word 2007 XML", "odt": "odt:writer8", "doc": "doc:MS Word 97"}
    with tempfile.TemporaryDirectory() as tmp:
        stem = os.path.splitext(os.path.basename(out))[0]
        indir, outdir = os.path.join(tmp, "in"), os.path.join(tmp, "out")
        os.makedirs(indir)
        docx = os.path.join(indir, stem + ".docx")
        pandoc(src, docx)
        # A private profile dir keeps soffice from clashing with another running instance.
        profile = "file://" + os.path.join(tmp, "profile")
        subprocess.run(
            ["soffice", f"-env:UserInstallation={profile}", "--headless",
             "--convert-to", filters.get(target, target), "--outdir", outdir, docx],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        shutil.move(os.path.join(outdir, stem + "." + target), out)


def build_rtf_cp1251(src, out):
    """Pandoc RTF rewritten the way older Word saves it: \\ansicpg1251 and \\'xx escapes."""
    rtf = subprocess.run(
        ["pandoc", "-f", PANDOC_FROM, "-s", "-t", "rtf", src],
        check=True, capture_output=True, text=True,
    ).stdout

    def repl(m):
        ch = chr(int(m.group(1)))
        try:
            return "\\'%02x" % ch.encode("cp1251")[0]
        except UnicodeEncodeError:
            return m.group(0)

    rtf = re.sub(r"\\u(\d+)\?", repl, rtf)
    rtf = rtf.replace("{\\rtf1\\ansi", "{\\rtf1\\ansi\\ansicpg1251", 1)
    with open(out, "w", encoding="ascii") as f:
        f.write(rtf)


def build_txt(src, out, fmt):
    with open(src, encoding="utf-8") as f:
        text = f.read()
    if fmt == "txt-cp1251":
        data = text.replace("\n", "\r\n").encode("cp1251")
    else:
        data = text.encode("utf-8")
    with open(out, "wb") as f:
        f.write(data)


def main():
    args = sys.argv[1:]
    if args and os.path.isdir(args[0]):
        root = os.path.abspath(args.pop(0))
    else:
        root = os.path.abspath(os.path.dirname(__file__))
    formats = read_formats(root)
    unknown = [a for a in args if a not in formats]
    if unknown:
        sys.exit(f"not in formats.tsv: {' '.join(unknown)}")
    if args:
        formats = {n: formats[n] for n in args}
    os.makedirs(os.path.join(root, "files"), exist_ok=True)
    for name, fmt in sorted(formats.items()):
        srcdir = os.path.join(root, "src")
        ext = fmt.split("-")[0]
        out = os.path.join(root, "files", f"{name}.{ext}")
        if fmt.startswith("txt"):
            build_txt(os.path.join(srcdir, name + ".txt"), out, fmt)
            continue
        src = os.path.join(srcdir, name + ".md")
        if fmt in ("docx", "odt"):
            pandoc(src, out)
        elif fmt == "rtf":
            pandoc(src, out, ["-s", "-t", "rtf"])
        elif fmt == "rtf-cp1251":
            build_rtf_cp1251(src, out)
        elif fmt in ("rtf-lo", "docx-lo", "odt-lo"):
            build_via_soffice(src, out, ext)
        elif fmt == "pdf":
            build_via_soffice(src, out, "pdf")
        elif fmt == "doc":
            build_via_soffice(src, out, "doc")
        else:
            sys.exit(f"{name}: unknown format {fmt}")
        print(f"{name}.{ext}")


if __name__ == "__main__":
    main()
