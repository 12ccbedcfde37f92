"""The archive of responses as received: WARC files (ISO 28500), written and read with warcio.

Layout: `<NETRA_DATA_DIR>/warc/YYYY/MM/DD/netra-<UTC time>-<pid>-<random>.warc.gz`, one file per collection
run and process (a Celery batch, a `netra collect`, a manual report), rolled over at `max_bytes`. A file
starts with a warcinfo record; then one `response` record per HTTP response, each its own gzip member, so a
record is read (and copied into an evidence pack) from its offset alone. No two writers share a file, so no
locks: names are unique per process and run. Posts point at their record (`Post.warc_*`).

`sync()` makes every record written so far durable; the collector calls it before the transaction that
stores posts pointing at them, so no committed post points at a record a crash could lose.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import threading
import uuid
import zlib
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import IO, Any

from warcio.archiveiterator import ArchiveIterator
from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date
from warcio.utils import Digester
from warcio.warcwriter import WARCWriter

from scrapers.capture import CaptureRef, Exchange

__all__ = ["WarcRecorder", "created_at", "read_record", "warc_root"]

MAX_BYTES = 1 << 30  # the usual WARC file size limit (1 GiB): then a new file
_NAME = re.compile(r"netra-(\d{8}T\d{6})Z-[^/]*\.warc\.gz\Z")
# Hop-by-hop: describes the transfer, not the entity; the client undid it, so the body is not chunked.
_TRANSFER = "transfer-encoding"


def warc_root(data_dir: Path) -> Path:
    return data_dir / "warc"


def created_at(name: str) -> datetime | None:
    """When a file of ours was started (from its name); None for any other file."""
    found = _NAME.search(name)
    return datetime.strptime(found.group(1), "%Y%m%dT%H%M%S").replace(tzinfo=UTC) if found else None


class _Sha256Writer(WARCWriter):
    """warcio's writer with SHA-256 block and payload digests (its default is SHA-1)."""

    @staticmethod
    def _create_digester() -> Digester:
        return Digester("sha256")


def _gzip_member(data: bytes) -> bytes:
    # warcio compresses at level 9; level 6 is ~3x cheaper per response for a few percent more bytes.
    compressor = zlib.compressobj(6, zlib.DEFLATED, zlib.MAX_WBITS + 16)
    return compressor.compress(data) + compressor.flush()


def _iso(moment: datetime) -> str:
    return datetime_to_iso_date(moment.astimezone(UTC).replace(tzinfo=None), use_micros=True)


def warcinfo_member(filename: str, fields: dict[str, str]) -> bytes:
    """A gzipped warcinfo record naming the file and who wrote it."""
    out = io.BytesIO()
    writer = _Sha256Writer(out, gzip=False, warc_version="1.1")
    writer.write_record(writer.create_warcinfo_record(filename, fields))
    return _gzip_member(out.getvalue())


def response_member(exchange: Exchange) -> tuple[bytes, str]:
    """One gzipped `response` record of the exchange, and its WARC-Record-ID."""
    kept = [(name, value) for name, value in exchange.headers if name.lower() != _TRANSFER]
    removed = [value for name, value in exchange.headers if name.lower() == _TRANSFER]
    status = f"{exchange.status} {exchange.reason}".rstrip()
    http_headers = StatusAndHeaders(status, kept, protocol=exchange.http_version)
    out = io.BytesIO()
    writer = _Sha256Writer(out, gzip=False, warc_version="1.1")
    warc_headers = {"WARC-Date": _iso(exchange.received_at)}
    if removed:
        # Said, not hidden: the header block is as received but for this hop-by-hop field.
        warc_headers["Netra-Transfer-Decoded"] = ", ".join(removed)
    record = writer.create_warc_record(
        exchange.url,
        "response",
        payload=io.BytesIO(exchange.body),
        length=len(exchange.body),
        http_headers=http_headers,
        warc_headers_dict=warc_headers,
    )
    record_id = record.rec_headers.get_header("WARC-Record-ID")
    writer.write_record(record)
    return _gzip_member(out.getvalue()), record_id


def resource_member(
    uri: str, body: bytes, at: datetime, content_type: str, fields: dict[str, str]
) -> tuple[bytes, str]:
    """One gzipped `resource` record holding `body` as received by other means than HTTP (a file someone
    handed in), and its WARC-Record-ID. `fields`: extra WARC headers (Netra-*)."""
    out = io.BytesIO()
    writer = _Sha256Writer(out, gzip=False, warc_version="1.1")
    record = writer.create_warc_record(
        uri,
        "resource",
        payload=io.BytesIO(body),
        length=len(body),
        warc_content_type=content_type,
        warc_headers_dict={"WARC-Date": _iso(at), **fields},
    )
    record_id = record.rec_headers.get_header("WARC-Record-ID")
    writer.write_record(record)
    return _gzip_member(out.getvalue()), record_id


class WarcRecorder:
    """A `scrapers.capture.Recorder` writing one WARC file per run under `root` (see the module's doc).
    Thread-safe: responses are recorded on the event loop while `sync` runs in the storing thread."""

    def __init__(self, root: Path, *, max_bytes: int = MAX_BYTES, purpose: str = "collection") -> None:
        self.root = root
        self.max_bytes = max_bytes
        self.purpose = purpose
        self._lock = threading.Lock()
        self._file: IO[bytes] | None = None
        self._name = ""
        self._dirty = False
        self.records = 0

    def __enter__(self) -> WarcRecorder:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _open(self) -> IO[bytes]:
        now = datetime.now(UTC)
        name = f"{now:%Y/%m/%d}/netra-{now:%Y%m%dT%H%M%S}Z-{os.getpid()}-{uuid.uuid4().hex[:12]}.warc.gz"
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = path.open("xb")  # never appends to a file another writer might hold
        info = {
            "software": f"Netra (warcio {metadata.version('warcio')})",
            "format": "WARC File Format 1.1",
            "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
            "description": f"HTTP responses as received by Netra ({self.purpose}), one response record each",
        }
        handle.write(warcinfo_member(path.name, info))
        self._file, self._name = handle, name
        return handle

    def record(self, exchange: Exchange) -> CaptureRef:
        member, record_id = response_member(exchange)  # built outside the lock: the CPU part
        return self._append(member, record_id, exchange.decoded_sha256)

    def record_file(self, body: bytes, content_type: str, received_at: datetime, source: dict[str, str]) -> CaptureRef:
        """Archive bytes handed in rather than fetched (a line of an export imported by hand) as a `resource`
        record. Its URI names the content (`urn:sha256:`), as such bytes have no address; `source` says
        where they came from, as `Netra-Source-<Key>` headers (file name, line, the file's SHA-256)."""
        digest = hashlib.sha256(body).hexdigest()
        fields = {f"Netra-Source-{key.capitalize()}": value for key, value in source.items()}
        member, record_id = resource_member(f"urn:sha256:{digest}", body, received_at, content_type, fields)
        return self._append(member, record_id, digest)

    def _append(self, member: bytes, record_id: str, body_sha256: str) -> CaptureRef:
        with self._lock:
            handle = self._file
            if handle is None or handle.tell() + len(member) > self.max_bytes:
                self._close()
                handle = self._open()
            offset = handle.tell()
            try:
                handle.write(member)
                handle.flush()
            except OSError:
                self._abandon(offset)
                raise
            self._dirty = True
            self.records += 1
            return CaptureRef(self._name, record_id, offset, len(member), body_sha256)

    def _abandon(self, offset: int) -> None:
        """After a failed write: cut the partial member off and start a new file with the next record."""
        handle, self._file = self._file, None
        if handle is None:
            return
        try:
            handle.truncate(offset)
            os.fsync(handle.fileno())
        except OSError:
            pass  # the records before `offset` are whole; readers seek to them by offset
        finally:
            handle.close()

    def sync(self) -> None:
        """Every record written so far on disk (fsync), before posts pointing at them are committed."""
        with self._lock:
            if self._file is not None and self._dirty:
                os.fsync(self._file.fileno())
                self._dirty = False

    def _close(self) -> None:
        if self._file is not None:
            if self._dirty:
                os.fsync(self._file.fileno())
                self._dirty = False
            self._file.close()
            self._file = None

    def close(self) -> None:
        with self._lock:
            self._close()


class RecordError(Exception):
    """The record is not where its post says, or is not the record the post names."""


def read_member(root: Path, ref: CaptureRef) -> bytes:
    """The record's bytes (one gzip member) exactly as stored."""
    path = root / ref.warc_file
    try:
        with path.open("rb") as handle:
            handle.seek(ref.offset)
            data = handle.read(ref.length)
    except OSError as exc:
        raise RecordError(f"{ref.warc_file}: {exc.strerror or exc}") from exc
    if len(data) != ref.length:
        raise RecordError(f"{ref.warc_file} ends before the record at offset {ref.offset}")
    return data


def parse_member(data: bytes) -> tuple[ArcWarcRecord, bytes]:
    """The record of one member and its body as `warcio extract --payload` gives it (content-decoded)."""
    records = ArchiveIterator(io.BytesIO(data), check_digests="raise")
    try:
        record = next(records)
        body = record.content_stream().read()
        records.read_to_end(record)  # checks the block and payload digests
    except StopIteration as exc:
        raise RecordError("no WARC record at that offset") from exc
    except Exception as exc:  # warcio raises a variety (ArchiveLoadFailed, zlib.error, ValueError)
        raise RecordError(f"unreadable WARC record: {exc}") from exc
    return record, body


def read_record(root: Path, ref: CaptureRef) -> tuple[bytes, ArcWarcRecord, bytes]:
    """The record's stored bytes, the record, and its decoded body, checked against `ref`: the same
    WARC-Record-ID, digests that match, and a body whose SHA-256 is `ref.body_sha256`."""
    data = read_member(root, ref)
    record, body = parse_member(data)
    found = record.rec_headers.get_header("WARC-Record-ID")
    if found != ref.record_id:
        raise RecordError(f"the record at {ref.warc_file}:{ref.offset} is {found}, not {ref.record_id}")
    if hashlib.sha256(body).hexdigest() != ref.body_sha256:
        raise RecordError(f"the body of {ref.record_id} does not have the SHA-256 its post recorded")
    return data, record, body


def headers_of(record: ArcWarcRecord) -> dict[str, Any]:
    """What a pack's index says of a record: its URI, date, status and digest."""
    http = record.http_headers
    return {
        "record_id": record.rec_headers.get_header("WARC-Record-ID"),
        "target_uri": record.rec_headers.get_header("WARC-Target-URI"),
        "date": record.rec_headers.get_header("WARC-Date"),
        "http_status": int(http.get_statuscode()) if http is not None else None,
        "payload_digest": record.rec_headers.get_header("WARC-Payload-Digest"),
    }
