#!/usr/bin/env python3
"""Fixed vectors for src/miit, made with tools independent of ours.

Python's codecs (GBK), zipfile and hashlib (MD5), base64, and the `openssl enc` command
(AES-CBC with PKCS#5 padding) build the payloads BUREAU-PROTOCOL.md §1.5 describes; the
pwdHash vectors follow §1.3. The C++ tests (vectors_test.cc) decode every `py.*` vector and must
reproduce the `icp.*` vectors, which this script checks the other way round: it decodes what
our encoder made with the same independent tools.

Usage:
  make_vectors.py            print the vectors (redirect to vectors.txt to regenerate)
  make_vectors.py --check    fail unless vectors.txt holds exactly these vectors, and every
                             icp.* payload in it decodes to its text with Python and openssl
"""
import base64
import hashlib
import io
import pathlib
import subprocess
import sys
import zipfile

HERE = pathlib.Path(__file__).resolve().parent
AES_KEY = "0123456789abcdef"  # 16 ASCII characters, used as the AES-128 key bytes
AES_IV = "0102030405060708"   # the spec's example IV (密钥偏移量), as 16 ASCII bytes
TEXT = ('<?xml version="1.0" encoding="GBK"?>\n'
        '<UploadData version="V.3.0"><ICP><ZXBA><Zx_xx><Zxlb>2</Zxlb><Jlid>6001</Jlid>'
        '<Zxly>3</Zxly><Zxlybz>客户迁出，备案号粤ICP备20000001号-1</Zxlybz></Zx_xx></ZXBA>'
        '<Qqdwid>440000000123</Qqdwid></ICP></UploadData>\n')


def zip_one(name: str, data: bytes, extra: list[tuple[str, bytes]] = ()) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for n, d in [(name, data), *extra]:
            info = zipfile.ZipInfo(n, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, d)
    return buf.getvalue()


def aes(data: bytes, decrypt: bool = False) -> bytes:
    args = ["openssl", "enc", "-aes-128-cbc", "-K", AES_KEY.encode().hex(), "-iv",
            AES_IV.encode().hex()]
    if decrypt:
        args.append("-d")
    return subprocess.run(args, input=data, capture_output=True, check=True).stdout


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def md5_b64(data: bytes) -> str:
    return b64(hashlib.md5(data).digest())


def pwd_hash(password: str, rand_val: str, encoding: str = "gbk") -> str:
    return md5_b64((password + rand_val).encode(encoding))


def vectors() -> list[tuple[str, str]]:
    v = []
    rand_val = "aZ3kQ9xT2mB7nL4pW8vC"
    v.append(("pwd.rand_val", rand_val))
    v.append(("pwd.ascii.password", "secret01"))
    v.append(("pwd.ascii.hash", pwd_hash("secret01", rand_val)))
    v.append(("pwd.gbk.password", "口令ab"))
    v.append(("pwd.gbk.hash", pwd_hash("口令ab", rand_val)))
    v.append(("pwd.utf8_wrong.hash", pwd_hash("口令ab", rand_val, "utf-8")))
    v.append(("icpmm.password", "Abc12345"))
    v.append(("icpmm.md5hex", hashlib.md5(b"Abc12345").hexdigest()))
    v.append(("aes.key", AES_KEY))
    v.append(("aes.iv", AES_IV))
    v.append(("text", TEXT.replace("\n", "\\n")))
    z = zip_one("beianinfo", TEXT.encode("gbk"))
    v.append(("py.plain.info", b64(z)))
    v.append(("py.plain.hash", md5_b64(z)))
    v.append(("py.aes.info", b64(aes(z))))
    v.append(("py.aes.hash", md5_b64(z)))
    # Refusals: two entries (17), not GBK (the bytes 0x81 0x20 are no GBK character), an entry
    # of 2 MiB of zeros (over the 1 MiB limit the test sets: 18), and an invalid entry name.
    z2 = zip_one("beianinfo", TEXT.encode("gbk"), [("second", b"x")])
    v.append(("py.two_entries.info", b64(z2)))
    v.append(("py.two_entries.hash", md5_b64(z2)))
    zb = zip_one("beianinfo", b"<a>\x81\x20</a>")
    v.append(("py.not_gbk.info", b64(zb)))
    v.append(("py.not_gbk.hash", md5_b64(zb)))
    zz = zip_one("bomb", bytes(2 * 1024 * 1024))
    v.append(("py.bomb.info", b64(zz)))
    v.append(("py.bomb.hash", md5_b64(zz)))
    zn = zip_one("../etc/passwd", b"x")
    v.append(("py.bad_name.info", b64(zn)))
    v.append(("py.bad_name.hash", md5_b64(zn)))
    return v


def read_vectors(path: pathlib.Path) -> dict[str, str]:
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            out[key] = value
    return out


def check() -> int:
    committed = read_vectors(HERE / "vectors.txt")
    errors = []
    ours = {k for k in committed if k.startswith("icp.")}
    if set(committed) - ours != {k for k, _ in vectors()}:
        errors.append("vectors.txt has other keys than Python makes")
    for key, value in vectors():
        if committed.get(key) != value:
            errors.append(f"{key}: vectors.txt has {committed.get(key)!r}, Python makes {value!r}")
    # Our encoder's output, decoded independently.
    for kind in ("plain", "aes"):
        info, digest = committed.get(f"icp.{kind}.info"), committed.get(f"icp.{kind}.hash")
        if info is None or digest is None:
            errors.append(f"icp.{kind}.*: missing")
            continue
        body = base64.b64decode(info, validate=True)
        if kind == "aes":
            body = aes(body, decrypt=True)
        if md5_b64(body) != digest:
            errors.append(f"icp.{kind}.hash: not the MD5 of the zip")
        with zipfile.ZipFile(io.BytesIO(body)) as z:
            names = z.namelist()
            if names != ["beianinfo"]:
                errors.append(f"icp.{kind}: entries {names}")
            elif z.read("beianinfo").decode("gbk") != TEXT:
                errors.append(f"icp.{kind}: the entry is not the GBK text")
    # The protocol's own examples against our schemas, validated by xmllint (libxml2's command,
    # not our code): the schemas accept what the protocol shows.
    schemas = HERE.parent / "schemas"
    for example in sorted(HERE.glob("*_spec.xml")):
        schema = schemas / ("download.xsd" if example.name.startswith("bajg") else "upload.xsd")
        text = example.read_text(encoding="utf-8").replace('encoding="GBK"', 'encoding="UTF-8"')
        run = subprocess.run(["xmllint", "--noout", "--schema", str(schema), "-"], input=text.encode(),
                             capture_output=True)
        if run.returncode != 0:
            errors.append(f"{example.name}: {run.stderr.decode().strip()}")
    for e in errors:
        print(f"vectors: {e}", file=sys.stderr)
    if not errors:
        print("vectors: vectors.txt matches Python, hashlib, zipfile and openssl; xmllint takes the examples")
    return 1 if errors else 0


def main() -> int:
    if sys.argv[1:] == ["--check"]:
        return check()
    print("# Made by make_vectors.py (see its docstring); icp.* lines are our encoder's output,")
    print("# checked by make_vectors.py --check. Do not edit by hand.")
    for key, value in vectors():
        print(f"{key}={value}")
    # Our encoder's output is kept as committed (vectors_test.cc prints it when it changes).
    path = HERE / "vectors.txt"
    if path.exists():
        for key, value in read_vectors(path).items():
            if key.startswith("icp."):
                print(f"{key}={value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
