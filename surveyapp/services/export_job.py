"""The labelled export as a background job: the same service as ``flask responses export``, writing into
EXPORTS_DIR/job-<id>/ so that a web worker only streams a finished file from disk, never builds or holds one.

The job's key is the request itself, so a second identical request (any researcher's) joins the running job
instead of exporting the same data twice. Files older than EXPORT_KEEP_HOURS are removed when the next export
is asked for; the job then says its file has expired."""

from __future__ import annotations

import hashlib
import shutil
import time
import zipfile
from dataclasses import asdict
from pathlib import Path
from typing import Any, Final

from flask import Response, current_app, send_file

from surveyapp import audit
from surveyapp.extensions import db
from surveyapp.models import Job, User
from surveyapp.services import jobs
from surveyapp.services.exports import ExportError, ExportRequest, export_responses
from surveyapp.services.exports.formats.csv_file import codebook_path
from surveyapp.services.job_messages import EXPORT_PACKING, EXPORT_ROWS, EXPORT_START, say

KIND: Final = "responses_export"
MIMETYPES: Final = {
    "csv": "application/zip",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "sav": "application/x-spss-sav",
    "dta": "application/x-stata-dta",
    "parquet": "application/vnd.apache.parquet",
}


def exports_dir() -> Path:
    return Path(current_app.config["EXPORTS_DIR"])


def key(request: ExportRequest) -> str:
    parts = [f"{name}={value}" for name, value in sorted(asdict(request).items()) if value is not None]
    text = f"{KIND}:" + "/".join(parts)
    # The key column holds 200 characters; a long instrument code falls back to the request's digest.
    return text if len(text) <= 200 else f"{KIND}:sha256={hashlib.sha256(text.encode()).hexdigest()}"


def file_name(request: ExportRequest) -> str:
    version = f"_v{request.version}" if request.version else ""
    return f"{request.instrument}_{request.year}{version}_{request.language}.{request.format}"


def purge_old_files() -> int:
    """Remove job folders older than EXPORT_KEEP_HOURS; how many went."""
    root = exports_dir()
    if not root.is_dir():
        return 0
    limit = time.time() - 3600 * int(current_app.config.get("EXPORT_KEEP_HOURS", 24))
    removed = 0
    for folder in root.glob("job-*"):
        if folder.is_dir() and folder.stat().st_mtime < limit:
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
    return removed


def submit(request: ExportRequest, user: User | None) -> tuple[Job, bool]:
    purge_old_files()
    return jobs.submit(KIND, {"request": asdict(request)}, key(request), user)


def stored_file(job: Job) -> Path | None:
    """The finished job's file, if it is still on disk."""
    if job.kind != KIND or job.status != "done" or not job.result.get("file"):
        return None
    path = exports_dir() / str(job.result["file"])
    return path if path.is_file() else None


def send_export(job: Job, path: Path) -> Response:
    """The finished export's file as an audited download (for the web page and the API alike)."""
    audit.record("responses_export_download", "job", job.id, {"file": job.result.get("name")})
    db.session.commit()
    # A path, not bytes: Werkzeug streams the file from disk in blocks.
    return send_file(
        path,
        mimetype=str(job.result.get("mimetype") or "application/octet-stream"),
        as_attachment=True,
        download_name=str(job.result.get("name") or path.name),
    )


def run(job: Job, user: User | None, progress: jobs.Progress) -> dict[str, Any]:
    request = ExportRequest(**job.params["request"])
    folder = exports_dir() / f"job-{job.id}"
    folder.mkdir(parents=True, exist_ok=True)
    name = file_name(request)
    path = folder / name
    progress(0.01, say(EXPORT_START, instrument=request.instrument, year=request.year, format=request.format))

    def on_rows(done: int, total: int) -> None:
        # Reading and converting the rows is most of the work; the last step (a readstat write, zipping) is short.
        progress(0.05 + 0.85 * done / max(total, 1), say(EXPORT_ROWS, done=done, total=total))

    try:
        result = export_responses(request, path, current_app.config["SECRET_KEY"], user, on_rows)
    except ExportError as error:
        db.session.rollback()
        shutil.rmtree(folder, ignore_errors=True)
        raise jobs.JobError(f"{error}. Nothing was written.") from None
    except BaseException:
        db.session.rollback()
        shutil.rmtree(folder, ignore_errors=True)
        raise
    if request.format == "csv":  # the data and its codebook travel together
        progress(0.92, EXPORT_PACKING)
        bundle = path.with_suffix(".zip")
        partial = bundle.with_name(f".{bundle.name}.partial")
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.write(path, name)
            archive.write(codebook_path(path), codebook_path(path).name)
        partial.replace(bundle)
        path.unlink()
        codebook_path(path).unlink()
        path = bundle
    db.session.commit()  # the audit event of the export
    return {
        "file": str(path.relative_to(exports_dir())),
        "name": path.name,
        "mimetype": MIMETYPES[request.format],
        "rows": result.rows,
        "size": path.stat().st_size,
        "run": result.run,
        "versions": list(result.versions),
        "r_call": result.r_call,
        "stata_line": result.stata_line,
    }
