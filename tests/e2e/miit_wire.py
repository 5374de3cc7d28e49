"""The payload pipeline of MIIT's enterprise interface V3.0 as the independent Python client
builds it, with Python's own GBK, zip and MD5 (BUREAU-PROTOCOL §1.4): shared by the tests that
drive icp-bureau over SOAP."""
import base64
import hashlib
import io
import zipfile

# Every entry gets this timestamp: the same file is the same bytes whenever it is built (a
# resend built across a 2-second tick of the zip's clock would otherwise be another file, with
# another hash).
ZIP_TIME = (2026, 1, 1, 0, 0, 0)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def payload(xml_text: str, entry: str) -> tuple[str, str]:
    """(beianInfo, beianInfoHash) of an XML text: GBK, one-entry zip, MD5, base64."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo(entry, date_time=ZIP_TIME), xml_text.encode("gbk"),
                   zipfile.ZIP_DEFLATED)
    data = buf.getvalue()
    return b64(data), b64(hashlib.md5(data).digest())
