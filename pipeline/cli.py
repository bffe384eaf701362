"""``docpipe``: a thin command line over the pipeline library.

Each subcommand parses arguments, calls the library and reports; no processing logic lives
here, so the CLI, the Airflow DAGs and library users share one code path.
Exit status: 0 when the command did its job (a run with failed documents included), 1 when
a run could not finish (store unreachable), 2 for bad arguments or missing inputs.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
from typing import TYPE_CHECKING, TextIO

from pipeline import __version__, logs

if TYPE_CHECKING:
    from pipeline.runner import RunReport

EXIT_OK, EXIT_INCOMPLETE, EXIT_USAGE = 0, 1, 2

_RUN_EXAMPLES = """examples:
  docpipe run seeds/                         # local files into ./out
  docpipe run page.html notes/ --out /data/docpipe
  docpipe run s3://scrapes/landing/ --out s3://scrapes/docpipe
  AWS_ENDPOINT_URL=http://127.0.0.1:8333 docpipe run seeds/ --out s3://bucket/prefix

Outputs under DEST: clean/<doc_id>.json and .txt, errors/<doc_id>.json, runs/<run_id>.json
(see docs/output-format.md). Unchanged inputs already processed by this version are skipped;
--force reprocesses them."""

_DETECT_EXAMPLES = """examples:
  echo 'پښتو' | docpipe detect
  docpipe detect lines.txt > langs.jsonl

One JSON object per input line, in order:
  {"text", "lang", "score", "spans": [{"start", "end", "lang", "score", "script"}]}
lang is ISO 639-1 where one exists (Dari may be fa-AF); "und" when there is too little signal."""

_TRANSLATE_EXAMPLES = """examples:
  echo 'اترك تعليقاً' | docpipe translate --from ar
  docpipe translate --from fa < lines.txt > lines.en.txt"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="docpipe",
        description="Offline multilingual document pipeline: language ID, translation to English "
        "and boilerplate stripping for scraped pages.",
    )
    parser.add_argument("--version", action="version", version=f"docpipe {__version__}")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more logging (-vv for debug)")
    parser.add_argument("--log-format", choices=("text", "json"), default="text", help="log line format")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = commands.add_parser(
        "run",
        help="process documents into a local directory or S3 bucket",
        description="Process documents (plain text or HTML) into cleaned, language-tagged records.",
        epilog=_RUN_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    run.add_argument("inputs", nargs="+", metavar="INPUT", help="file, directory (recursive) or s3://bucket/prefix")
    run.add_argument("--out", default="./out", metavar="DEST", help="directory or s3://bucket/prefix (default ./out)")
    run.add_argument("--force", action="store_true", help="reprocess inputs even when unchanged")
    run.add_argument("--batch-size", type=_positive_int, metavar="N", help="documents per batch (default 32)")
    run.add_argument("--json", action="store_true", help="print the run summary as JSON on stdout")
    run.add_argument("--no-progress", action="store_true", help="no progress bar even on a terminal")
    run.set_defaults(handler=_cmd_run)

    detect = commands.add_parser(
        "detect",
        help="identify the language of each input line",
        description="Identify the language of each line, with script-run spans.",
        epilog=_DETECT_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    detect.add_argument("file", nargs="?", default="-", metavar="FILE", help="UTF-8 text file (default: stdin)")
    detect.set_defaults(handler=_cmd_detect)

    translate = commands.add_parser(
        "translate",
        help="translate lines offline with an installed model",
        description="Translate each input line (stdin) to the target language with an installed model.",
        epilog=_TRANSLATE_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    translate.add_argument("--from", dest="source", required=True, metavar="LANG", help="source language (ar, fa, ...)")
    translate.add_argument("--to", dest="target", default="en", metavar="LANG", help="target language (default en)")
    translate.add_argument("file", nargs="?", default="-", metavar="FILE", help="UTF-8 text file (default: stdin)")
    translate.set_defaults(handler=_cmd_translate)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logs.configure(args.verbose, args.log_format)
    try:
        return int(args.handler(args))
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK


# -- run ---------------------------------------------------------------------------------------


def _cmd_run(args: argparse.Namespace) -> int:
    from pipeline.config import PipelineConfig
    from pipeline.inputs import InputError, discover
    from pipeline.progress import RunProgress, print_summary
    from pipeline.runner import Runner
    from pipeline.store import StoreError, open_store

    try:
        destination = open_store(args.out)
        items = discover(args.inputs)
    except (InputError, ValueError) as exc:
        print(f"docpipe run: {logs.redact(str(exc))}", file=sys.stderr)
        return EXIT_USAGE
    except StoreError as exc:
        print(f"docpipe run: cannot read inputs: {logs.redact(str(exc))}", file=sys.stderr)
        return EXIT_INCOMPLETE
    config = PipelineConfig.from_env(batch_size=args.batch_size)
    show_progress = not args.no_progress and sys.stderr.isatty()
    with RunProgress(total=len(items), enabled=show_progress) as progress:
        report = Runner(destination, config, force=args.force, on_outcome=progress.advance).run(items)
    if args.json:
        print(json.dumps(_report_json(report), ensure_ascii=False, indent=2))
    else:
        print_summary(report, sys.stdout)
    if not report.completed:
        print(f"docpipe run: run incomplete: {logs.redact(report.error or '')}", file=sys.stderr)
        return EXIT_INCOMPLETE
    return EXIT_OK


def _report_json(report: RunReport) -> dict[str, object]:
    return {
        "run_id": report.run_id,
        "destination": report.destination,
        "manifest": report.manifest_key,
        "completed": report.completed,
        "error": report.error,
        "seen": len(report.outcomes),
        "written": report.count("written"),
        "skipped": report.count("skipped"),
        "failed": report.count("failed"),
        "languages": report.languages(),
        "translations": report.translations,
        "seconds": report.seconds,
    }


# -- detect ------------------------------------------------------------------------------------


def _cmd_detect(args: argparse.Namespace) -> int:
    from pipeline.langid import detect_line, get_identifier

    identifier = get_identifier()
    with _open_text(args.file) as source:
        out = sys.stdout
        for line in source:
            out.write(json.dumps(detect_line(line.rstrip("\n"), identifier), ensure_ascii=False))
            out.write("\n")
    return EXIT_OK


# -- translate ---------------------------------------------------------------------------------


def _cmd_translate(args: argparse.Namespace) -> int:
    from pipeline.langtags import UNDETERMINED, model_language, normalize_tag
    from pipeline.translate import NoModelError, NoModelTranslator

    source = normalize_tag(args.source)
    if source == UNDETERMINED:
        print(f"docpipe translate: unknown language tag {args.source!r}", file=sys.stderr)
        return EXIT_USAGE
    translator = NoModelTranslator()
    source = model_language(source)
    if translator.model_for(source, args.target) is None:
        print(f"docpipe translate: {NoModelError(source, args.target, translator.hint)}", file=sys.stderr)
        return EXIT_USAGE
    with _open_text(args.file) as handle:
        lines = [line.rstrip("\n") for line in handle]
    for line in translator.translate(source, args.target, lines):
        print(line)
    return EXIT_OK


# -- helpers -----------------------------------------------------------------------------------


def _open_text(path: str) -> AbstractContextManager[TextIO]:
    if path == "-":
        sys.stdin.reconfigure(encoding="utf-8", errors="replace")  # type: ignore[attr-defined]
        return nullcontext(sys.stdin)
    return open(path, encoding="utf-8", errors="replace")


def _positive_int(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


if __name__ == "__main__":
    raise SystemExit(main())
