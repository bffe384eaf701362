"""``docpipe``: a thin command line over the pipeline library.

Each subcommand parses arguments, calls the library and reports; no processing logic lives
here, so the CLI, the Airflow DAGs and library users share one code path.
Exit status: 0 when the command did its job (a run with failed documents included), 1 when
a run could not finish (store unreachable), 2 for bad arguments or missing inputs.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
from typing import TYPE_CHECKING, TextIO

from pipeline import __version__, logs
from pipeline.units import human_bytes

# Before numpy loads OpenBLAS (nothing imported above loads numpy): a run's parallelism is its worker
# processes, and BLAS threads woken for a product of a few hundred rows only spin beside them
# (py3langid's scoring: ~0.1 CPU-s per 150 pages). The forkserver and its workers inherit the
# setting; a value the user set is kept.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

if TYPE_CHECKING:
    from pipeline.runner import RunReport
    from pipeline.settings import Settings

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
  docpipe detect --page page.txt             # the lines are one page: short ones decided in context

One JSON object per input line, in order:
  {"text", "lang", "score", "spans": [{"start", "end", "lang", "score", "script"}]}
lang is ISO 639-1 where one exists (Dari may be fa-AF); "und" when there is too little signal."""

_MODELS_EXAMPLES = """examples:
  docpipe models install translate-ar_en-1_0.argosmodel translate-fa_en-1_0.argosmodel
  docpipe models install /media/usb/models/          # every .argosmodel in a folder
  docpipe models install s3://models/argos/           # every .argosmodel under a prefix
  docpipe models install /srv/nllb-200-distilled-600M-ct2   # an NLLB-200 directory (Pashto)
  docpipe models list
  docpipe models remove argos-ar_en@1.0               # an id from `docpipe models list`
  docpipe models download ar fa ur bn                 # only where the machine has internet

Dari (fa-AF) is served by the Persian (fa) model. There is no Argos model for Pashto:
see docs/translation.md for converting NLLB-200."""

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
    run.add_argument(
        "--retranslate",
        action="store_true",
        help="also reprocess unchanged inputs whose segments await a model that is now installed, "
        "or were translated by an older model version",
    )
    run.add_argument(
        "--models-dir", metavar="DIR", help="translation models (default: $DOCPIPE_MODELS_DIR or user data)"
    )
    run.add_argument("--batch-size", type=_positive_int, metavar="N", help="documents per batch (default 32)")
    run.add_argument(
        "--workers",
        type=_positive_int,
        metavar="N",
        help="processes running the stages, a batch each (default: $DOCPIPE_WORKERS or the CPUs available)",
    )
    run.add_argument(
        "--no-host-memory",
        dest="host_memory",
        action="store_false",
        default=None,
        help="do not learn or use the lines each site repeats across pages (state/hosts/ in DEST); "
        "also DOCPIPE_HOST_MEMORY=0",
    )
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
    detect.add_argument("--page", action="store_true",
                        help="the input lines are one page: short lines are decided with the rest of the page "
                             "in view (its article and its other interface strings), as in `docpipe run`")
    detect.add_argument("--page-lang", metavar="TAG",
                        help="with --page: the language the page declares (like <html lang>), e.g. fa-AF")
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
    translate.add_argument("--models-dir", metavar="DIR", help="translation models directory")
    translate.add_argument("--beam-size", type=_positive_int, metavar="N", help="beam size (default 4)")
    translate.add_argument("--device", choices=("cpu", "cuda", "auto"), help="where models run (default cpu)")
    translate.set_defaults(handler=_cmd_translate)

    verify = commands.add_parser(
        "verify",
        help="check a destination: one valid outcome per input",
        description="Check that every record under DEST validates against its schema, that no document has "
        "both a clean and an error record, and (with --inputs) that every input has exactly one outcome.",
        epilog="examples:\n  docpipe verify ./out --inputs seeds/\n  docpipe verify s3://bucket/docpipe",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    verify.add_argument("dest", metavar="DEST", help="directory or s3://bucket/prefix that runs wrote to")
    verify.add_argument("--inputs", nargs="+", metavar="INPUT", help="the inputs every one of which needs an outcome")
    verify.set_defaults(handler=_cmd_verify)

    view = commands.add_parser(
        "view",
        help="browse runs and records in a web browser (read-only, loopback)",
        description="Serve a read-only viewer of DEST's runs and records on 127.0.0.1: runs with charts, "
        "each document line by line with its roles, languages and translations, failures, search.",
        epilog="examples:\n  docpipe view ./out                      # then open http://127.0.0.1:8765/\n"
        "  docpipe view s3://bucket/docpipe --port 9000\n\nSee docs/viewer.md.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    view.add_argument("dest", metavar="DEST", help="directory or s3://bucket/prefix that runs wrote to")
    view.add_argument("--port", type=int, default=8765, metavar="PORT", help="port on 127.0.0.1 (default 8765; 0: any)")
    view.set_defaults(handler=_cmd_view)

    report = commands.add_parser(
        "report",
        help="write the viewer's pages as static HTML files",
        description="Write the viewer's pages for DEST's newest runs (runs, documents, failed, awaiting a model) "
        "as static HTML files into DIR, with relative links, to attach or share.",
        epilog="examples:\n  docpipe report ./out --html report/\n"
        "  docpipe report s3://bucket/docpipe --html /tmp/r --runs 5",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    report.add_argument("dest", metavar="DEST", help="directory or s3://bucket/prefix that runs wrote to")
    report.add_argument("--html", required=True, metavar="DIR", help="folder to write the pages into")
    report.add_argument(
        "--runs", type=_positive_int, default=20, metavar="N", help="newest runs to include (default 20)"
    )
    report.set_defaults(handler=_cmd_report)

    models = commands.add_parser(
        "models",
        help="install, list and remove offline translation models",
        description="Manage the offline translation models (Argos .argosmodel packages, NLLB-200 directories).",
        epilog=_MODELS_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    models.add_argument(
        "--models-dir",
        metavar="DIR",
        help="models directory (default: $ARGOS_PACKAGES_DIR, $DOCPIPE_MODELS_DIR or the user data dir)",
    )
    actions = models.add_subparsers(dest="action", required=True, metavar="ACTION")
    install = actions.add_parser("install", help="install .argosmodel files, directories of them, or an s3:// prefix")
    install.add_argument("paths", nargs="+", metavar="PATH")
    install.add_argument("--force", action="store_true", help="allow replacing a newer installed version")
    install.set_defaults(handler=_cmd_models_install)
    listing = actions.add_parser("list", help="show installed language pairs, versions and sizes")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(handler=_cmd_models_list)
    remove = actions.add_parser(
        "remove",
        help="uninstall models by the ids `models list` shows",
        description="Uninstall models by id. An NLLB directory serves several language pairs: name all of "
        "its ids to remove it. Nothing is removed if an id is not installed.",
    )
    remove.add_argument("ids", nargs="+", metavar="ID", help="model ids, e.g. argos-ar_en@1.0")
    remove.set_defaults(handler=_cmd_models_remove)
    download = actions.add_parser("download", help="fetch packages from the Argos index (needs internet)")
    download.add_argument("languages", nargs="+", metavar="LANG", help="source languages, e.g. ar fa ur bn")
    download.add_argument("--timeout", type=float, default=10.0, help="seconds to wait for the index (default 10)")
    download.set_defaults(handler=_cmd_models_download)

    settings = commands.add_parser(
        "settings",
        help="show every setting, its environment variable and its effective value",
        description="Show the settings tree: effective value, the environment variables (and Airflow Variables, "
        "lower-cased) that set it, and whether it is part of config_hash (can change output bytes).",
        epilog="examples:\n  docpipe settings\n  DOCPIPE_CT2_BEAM_SIZE=1 docpipe settings --json",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    settings.add_argument("--json", action="store_true", help="print JSON")
    settings.set_defaults(handler=_cmd_settings)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logs.configure(args.verbose, args.log_format)
    try:
        return int(args.handler(args))
    except UsageError as exc:
        print(exc, file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK


# -- run ---------------------------------------------------------------------------------------


def _cmd_run(args: argparse.Namespace) -> int:
    from pipeline import forkserver
    from pipeline.inputs import InputError, discover
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
    settings = _settings("run", {
        "batch_size": args.batch_size, "workers": args.workers, "host_memory": args.host_memory,
        "translation.models_dir": args.models_dir,
    })
    if settings.processes_for(len(items)) > 1:
        forkserver.start()  # its preload runs on another core while this process imports the stages
    from pipeline.gc_tuning import settle_for_run
    from pipeline.progress import RunProgress, print_summary
    from pipeline.runner import Runner

    show_progress = not args.no_progress and sys.stderr.isatty()
    try:
        with RunProgress(total=len(items), enabled=show_progress) as progress:
            runner = Runner(
                destination, settings, force=args.force, retranslate=args.retranslate, on_outcome=progress.advance
            )
            settle_for_run()  # the modules and models loaded so far live as long as the run: no
            # collection needs to walk them (~1 CPU-s of collections per 300 HTML pages), and fewer collections
            report = runner.run(items)
    finally:
        forkserver.stop_unused()  # started above for a run that stopped before it asked for workers
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
        **report.counts(len(report.outcomes)),
        "languages": report.languages(),
        "flagged": {flag: len(ids) for flag, ids in report.flagged().items()},
        "translations": report.translations,
        "translation_memory": report.memory,
        "host_memory": report.host_memory,
        "models": report.models,
        "seconds": report.seconds,
    }


# -- detect ------------------------------------------------------------------------------------


def _cmd_detect(args: argparse.Namespace) -> int:
    from pipeline.langid import get_identifier
    from pipeline.langid.jsonl import write_detections, write_page_detections

    if args.page_lang and not args.page:
        print("docpipe detect: --page-lang needs --page", file=sys.stderr)
        return EXIT_USAGE
    with _open_text(args.file) as source:
        if args.page:
            write_page_detections(source, sys.stdout, get_identifier(), declared=args.page_lang)
        else:
            write_detections(source, sys.stdout, get_identifier())
    return EXIT_OK


# -- translate ---------------------------------------------------------------------------------


def _cmd_translate(args: argparse.Namespace) -> int:
    from pipeline.langtags import UNDETERMINED, model_language, normalize_tag
    from pipeline.translate import NoModelError
    from pipeline.translate.service import build_translation_stack

    source = normalize_tag(args.source)
    if source == UNDETERMINED:
        print(f"docpipe translate: unknown language tag {args.source!r}", file=sys.stderr)
        return EXIT_USAGE
    settings = _settings("translate", {
        "translation.beam_size": args.beam_size, "translation.device": args.device,
        "translation.models_dir": args.models_dir,
    })
    stack = build_translation_stack(settings.translation)
    if stack.translator.model_for(source, args.target) is None:
        error = NoModelError(model_language(source), args.target, stack.backend.hint)
        print(f"docpipe translate: {error}", file=sys.stderr)
        return EXIT_USAGE
    with _open_text(args.file) as handle:
        lines = [line.rstrip("\n") for line in handle]
    non_empty = [line for line in lines if line.strip()]
    translated = dict(zip(non_empty, stack.translator.translate(source, args.target, non_empty), strict=True))
    for line in lines:
        print(translated.get(line, line))
    return EXIT_OK


# -- verify ------------------------------------------------------------------------------------


def _cmd_verify(args: argparse.Namespace) -> int:
    from pipeline.inputs import InputError, discover
    from pipeline.store import StoreError, open_store
    from pipeline.verify import verify

    try:
        store = open_store(args.dest)
        items = discover(args.inputs) if args.inputs else None
        report = verify(store, items)
    except (InputError, ValueError) as exc:
        print(f"docpipe verify: {logs.redact(str(exc))}", file=sys.stderr)
        return EXIT_USAGE
    except StoreError as exc:
        print(f"docpipe verify: {logs.redact(str(exc))}", file=sys.stderr)
        return EXIT_INCOMPLETE
    for problem in report.problems:
        print(f"problem: {problem}")
    inputs = f", {report.inputs} inputs" if args.inputs else ""
    verdict = "ok" if report.ok else f"{len(report.problems)} problems"
    print(f"{verdict}: {report.clean} clean, {report.errors} errors, {report.runs} runs{inputs}")
    return EXIT_OK if report.ok else EXIT_INCOMPLETE


# -- view / report -----------------------------------------------------------------------------


def _cmd_view(args: argparse.Namespace) -> int:
    import socket

    import uvicorn

    from pipeline.store import StoreError
    from pipeline.viewer.app import app_for

    if _missing_directory(args.dest):
        print(f"docpipe view: no such directory: {args.dest}", file=sys.stderr)
        return EXIT_USAGE
    try:
        app = app_for(args.dest)
    except ValueError as exc:
        print(f"docpipe view: {logs.redact(str(exc))}", file=sys.stderr)
        return EXIT_USAGE
    except StoreError as exc:
        print(f"docpipe view: {logs.redact(str(exc))}", file=sys.stderr)
        return EXIT_INCOMPLETE
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(("127.0.0.1", args.port))  # loopback only: the viewer has no login of its own
    except OSError as exc:
        print(f"docpipe view: cannot listen on 127.0.0.1:{args.port}: {exc.strerror}", file=sys.stderr)
        return EXIT_USAGE
    sock.listen(128)  # connections made from now on wait for the server instead of being refused
    port = sock.getsockname()[1]
    print(
        f"docpipe viewer for {logs.redact(app.state.destination_url)}: http://127.0.0.1:{port}/  (Ctrl-C to stop)",
        flush=True,
    )
    uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False)).run(sockets=[sock])
    return EXIT_OK


def _cmd_report(args: argparse.Namespace) -> int:
    from pathlib import Path

    from pipeline.store import StoreError, open_store
    from pipeline.viewer.reader import Destination
    from pipeline.viewer.report import write_report

    if _missing_directory(args.dest):
        print(f"docpipe report: no such directory: {args.dest}", file=sys.stderr)
        return EXIT_USAGE
    try:
        destination = Destination(open_store(args.dest))
        written = write_report(destination, Path(args.html), runs=args.runs)
    except ValueError as exc:
        print(f"docpipe report: {logs.redact(str(exc))}", file=sys.stderr)
        return EXIT_USAGE
    except (StoreError, OSError) as exc:
        print(f"docpipe report: {logs.redact(str(exc))}", file=sys.stderr)
        return EXIT_INCOMPLETE
    missing = f" ({written.missing} named by a manifest but without a record)" if written.missing else ""
    runs = f"{written.runs} run{'' if written.runs == 1 else 's'}"
    documents = f"{written.documents} document{'' if written.documents == 1 else 's'}"
    print(f"wrote {runs} and {documents}{missing} to {Path(args.html) / 'index.html'}")
    return EXIT_OK


def _missing_directory(dest: str) -> bool:
    """A local destination that does not exist (a typo would otherwise show an empty viewer)."""
    from pathlib import Path

    return "://" not in dest and not Path(dest).expanduser().is_dir()


# -- models ------------------------------------------------------------------------------------


def _cmd_models_install(args: argparse.Namespace) -> int:
    from pipeline.translate.model_sources import ModelSourceError, install_from

    try:
        installed = install_from(args.paths, _models_dir(args), force=args.force)
    except ModelSourceError as exc:
        print(f"docpipe models install: {logs.redact(str(exc))}", file=sys.stderr)
        return EXIT_USAGE
    for info in installed:
        print(f"installed {info.id}  {info.from_code}→{info.to_code}  {human_bytes(info.size_bytes)}  {info.path}"
              f"  (license: {info.license})")
    return EXIT_OK


def _cmd_models_list(args: argparse.Namespace) -> int:
    from pipeline.translate.packages import list_installed, models_dir

    configured = _models_dir(args)
    infos = list_installed(configured)
    if args.json:
        rows = [
            {
                "id": i.id,
                "kind": i.kind,
                "from": i.from_code,
                "to": i.to_code,
                "version": i.version,
                "bytes": i.size_bytes,
                "license": i.license,
                "path": str(i.path),
            }
            for i in infos
        ]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return EXIT_OK
    if not infos:
        print(f"no models installed in {models_dir(configured)}")
        return EXIT_OK
    print(f"{'pair':<10} {'kind':<6} {'version':<10} {'size':>9}  {'id':<36} license")
    for i in infos:
        pair = i.from_code + "→" + i.to_code
        print(f"{pair:<10} {i.kind:<6} {i.version:<10} {human_bytes(i.size_bytes):>9}  {i.id:<36} {i.license}")
    return EXIT_OK


def _cmd_models_remove(args: argparse.Namespace) -> int:
    from pipeline.translate.packages import PackageError, remove

    try:
        removed = remove(args.ids, args.models_dir)
    except (PackageError, OSError) as exc:
        print(f"docpipe models remove: {exc}", file=sys.stderr)
        return EXIT_USAGE
    for info in removed:
        print(f"removed {info.id}  {info.path}")
    return EXIT_OK


def _cmd_models_download(args: argparse.Namespace) -> int:
    from pipeline.translate.argos_index import IndexUnavailable, download

    settings = _settings("models download", {"translation.models_dir": args.models_dir})
    try:
        installed = download(
            args.languages,
            models_dir=settings.translation.models_dir,
            timeout=args.timeout,
            index_url=settings.translation.argos_index_url,
        )
    except IndexUnavailable as exc:
        print(f"docpipe models download: {exc}", file=sys.stderr)
        return EXIT_INCOMPLETE
    for info in installed:
        print(f"installed {info.id}")
    return EXIT_OK


# -- settings ----------------------------------------------------------------------------------


def _cmd_settings(args: argparse.Namespace) -> int:
    from pipeline.settings import specs

    settings = _settings("settings", {})
    rows = [
        {
            "name": spec.name,
            "value": list(value) if isinstance(value := spec.get(settings), tuple) else value,
            "default": list(spec.default) if isinstance(spec.default, tuple) else spec.default,
            "env": list(spec.env),
            "airflow_variable": spec.variable,
            "shapes_output": spec.output,
            "help": spec.help,
        }
        for spec in specs()
    ]
    if args.json:
        print(json.dumps({"config_hash": settings.config_hash(), "settings": rows}, ensure_ascii=False, indent=2))
        return EXIT_OK
    width = max(len(row["name"]) for row in rows)
    for row in rows:
        changed = "" if row["value"] == row["default"] else "  (set)"
        hashed = "  [hashed]" if row["shapes_output"] else ""
        print(f"{row['name']:<{width}}  {_show(row['value'])}{changed}{hashed}")
        print(f"{'':<{width}}    {', '.join(row['env'])} — {row['help']}")
    print(f"config_hash {settings.config_hash()}  ([hashed] settings, bundled models and library versions)")
    return EXIT_OK


def _show(value: object) -> str:
    if value is None:
        return "(default)"
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    return str(value)


class UsageError(Exception):
    """Bad arguments or settings: ``main`` prints the message and exits with status 2."""


def _settings(command: str, overrides: dict[str, object]) -> Settings:
    """The settings tree (environment, then *overrides* from flags); a bad value is a usage error."""
    from pipeline.settings import Settings, SettingsError

    try:
        return Settings.load(overrides)
    except SettingsError as exc:
        raise UsageError(f"docpipe {command}: {exc}") from None


def _models_dir(args: argparse.Namespace) -> str | None:
    """The configured models directory: ``--models-dir``, then the environment."""
    return _settings(f"models {args.action}", {"translation.models_dir": args.models_dir}).translation.models_dir


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
