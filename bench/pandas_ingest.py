#!/usr/bin/env python3
"""The peer of `gongshu ingest` in bench/ingest.ts: what a competent analyst writes with pandas (Debian's
python3-pandas, one core) to do the same work on the same CSV file:

- read every column as text, empty fields kept as '' (as gongshu stores uncatalogued columns);
- normalise the citizen ID key exactly as gongshu does (full-width ASCII and the ideographic space folded, a-z
  upper-cased, the JS trim() characters stripped, a 15-digit number upgraded to 18) and validate it: missing,
  format, checksum (ISO 7064 MOD 11-2), birth date (a real date in [1800-01-01, today in Asia/Shanghai]),
  division (the code is in the division table); the first failing check is the reason;
- keep every row's source line number (`file:line`; the script refuses a file whose rows do not account for
  every physical line, since pandas gives no line numbers);
- write the loaded rows (the normalised key, the original key where it changed, the source line) and the
  quarantine (source line, `key:<reason>`, the original key, the row) to files.

Output is pickled DataFrames (the fastest durable pandas format available here: Debian's python3-pandas has no
pyarrow, so no Parquet or Feather), which favours the peer.

    python3 bench/pandas_ingest.py FILE --encoding utf-8|gb18030 --key 公民身份号码 --divisions CODES.txt --out DIR
    python3 bench/pandas_ingest.py --digest DIR   # counts and digests of what a run wrote (for the bench's check)
"""

import argparse
import datetime
import hashlib
import json
import os
import sys
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

# The characters JS String.prototype.trim() strips (gongshu's IDENTIFIER_TRIM_CHARS).
TRIM = (
    ' \t\n\v\f\r\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a'
    '\u2028\u2029\u202f\u205f\u3000\ufeff'
)
# Full-width ASCII U+FF01-U+FF5E and U+3000 to ASCII, ASCII a-z to A-Z (gongshu's cleanIdentifierText).
FOLD = {0xFF01 + i: chr(0x21 + i).upper() for i in range(0x5E)}
FOLD[0x3000] = ' '
FOLD.update({ord(c): c.upper() for c in 'abcdefghijklmnopqrstuvwxyz'})
WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
CHECK = np.frombuffer(b'10X98765432', dtype=np.uint8)
REASONS = np.array(['missing', 'format', 'checksum', 'birth-date', 'division', ''], dtype=object)


def check_char(body17: str) -> str:
    return chr(CHECK[sum(int(c) * int(w) for c, w in zip(body17, WEIGHTS)) % 11])


def normalize(raw: pd.Series) -> pd.Series:
    """gs_citizen_id_normalize: well-formed values as they are; the others folded, trimmed and upgraded."""
    clean = raw.str.fullmatch('[0-9]{17}[0-9X]')
    if clean.all():
        return raw
    other = raw[~clean].str.translate(FOLD).str.strip(TRIM)
    old = other.str.fullmatch('[0-9]{15}')
    if old.any():
        other[old] = [
            f'{s[:6]}19{s[6:]}{check_char(s[:6] + "19" + s[6:])}' for s in other[old]
        ]
    out = raw.copy()
    out[~clean] = other
    return out


def reasons(n: pd.Series, divisions: np.ndarray) -> np.ndarray:
    """The first failing check of each normalised key, '' when valid."""
    first = np.full(len(n), 5, dtype=np.int8)
    missing = (n == '').to_numpy()
    wellformed = n.str.fullmatch('[0-9]{17}[0-9X]').to_numpy()
    first[~wellformed] = 1
    first[missing] = 0
    idx = np.flatnonzero(wellformed)
    b = np.frombuffer(''.join(n.to_numpy()[idx]).encode('ascii'), dtype=np.uint8).reshape(-1, 18)
    digits = (b[:, :17] - 48).astype(np.int64)
    bad_sum = CHECK[(digits @ WEIGHTS) % 11] != b[:, 17]
    y = digits[:, 6:10] @ np.array([1000, 100, 10, 1])
    m = digits[:, 10] * 10 + digits[:, 11]
    d = digits[:, 12] * 10 + digits[:, 13]
    leap = ((y % 4 == 0) & (y % 100 != 0)) | (y % 400 == 0)
    dim = np.where(m == 2, np.where(leap, 29, 28), 30 + ((m + m // 8) % 2))
    ymd = y * 10000 + m * 100 + d
    today = int(datetime.datetime.now(ZoneInfo('Asia/Shanghai')).strftime('%Y%m%d'))
    bad_date = (ymd < 18000101) | (ymd > today) | (m < 1) | (m > 12) | (d < 1) | (d > dim)
    code = digits[:, :6] @ np.array([100000, 10000, 1000, 100, 10, 1])
    bad_div = ~np.isin(code, divisions)
    r = np.where(bad_sum, 2, np.where(bad_date, 3, np.where(bad_div, 4, 5)))
    first[idx] = r
    return REASONS[first]


def ingest(path: str, encoding: str, key: str, divisions_file: str, out: str) -> dict:
    divisions = np.loadtxt(divisions_file, dtype=np.int64, ndmin=1)
    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding=encoding)
    with open(path, 'rb') as f:
        data = f.read()
    lines = data.count(b'\n') + (0 if data.endswith(b'\n') or not data else 1)
    if lines != len(df) + 1:
        sys.exit(f'{path}: {len(df)} rows do not account for {lines} lines (line breaks inside fields)')
    name = os.path.basename(path)
    source = name + ':' + pd.Series(np.arange(2, len(df) + 2), index=df.index).astype(str)
    raw = df[key]
    n = normalize(raw)
    why = reasons(n, divisions)
    bad = why != ''
    loaded = df[~bad].copy()
    loaded[key] = n[~bad]
    loaded['_source'] = source[~bad]
    loaded['_key_original'] = raw[~bad].where(raw[~bad] != n[~bad], None)
    quarantine = pd.DataFrame(
        {
            'source_location': source[bad],
            'reason': 'key:' + pd.Series(why[bad], index=df.index[bad]),
            'key_value': raw[bad],
        }
    ).join(df[bad])
    os.makedirs(out, exist_ok=True)
    loaded.to_pickle(os.path.join(out, 'loaded.pkl'))
    quarantine.to_pickle(os.path.join(out, 'quarantine.pkl'))
    return {'rowsRead': len(df), 'rowsLoaded': len(loaded), 'rowsQuarantined': len(quarantine)}


def digest(out: str, key: str) -> dict:
    """Counts and order-independent digests (rows sorted by line) of the loaded rows and the quarantine."""
    loaded = pd.read_pickle(os.path.join(out, 'loaded.pkl'))
    quarantine = pd.read_pickle(os.path.join(out, 'quarantine.pkl'))

    def md5(lines: pd.Series, texts: pd.Series) -> str:
        order = np.argsort(lines.str.rsplit(':', n=1).str[1].astype(np.int64).to_numpy(), kind='stable')
        return hashlib.md5('\n'.join(texts.to_numpy()[order]).encode()).hexdigest()

    by_reason = quarantine['reason'].value_counts().to_dict()
    return {
        'rowsLoaded': len(loaded),
        'rowsQuarantined': len(quarantine),
        'quarantinedByReason': {k: int(v) for k, v in by_reason.items()},
        'loaded': md5(loaded['_source'], loaded['_source'] + '|' + loaded[key]),
        'quarantine': md5(
            quarantine['source_location'],
            quarantine['source_location'] + '|' + quarantine['reason'] + '|' + quarantine['key_value'],
        ),
    }


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument('file', nargs='?')
    p.add_argument('--encoding', default='utf-8')
    p.add_argument('--key', default='公民身份号码')
    p.add_argument('--divisions')
    p.add_argument('--out')
    p.add_argument('--digest')
    a = p.parse_args()
    if a.digest:
        print(json.dumps(digest(a.digest, a.key), ensure_ascii=False))
    else:
        print(json.dumps(ingest(a.file, a.encoding, a.key, a.divisions, a.out)))


if __name__ == '__main__':
    main()
