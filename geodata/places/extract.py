"""Writes places.csv: the populated places of GeoNames (cities of 15,000
people or more) that have a Chinese name, with their English name, position
and population, from Debian's libgeonames packages. See README.md here.

Run on Debian 12 with `apt install libgeonames0 libglib2.0-bin gettext opencc`:
    python3 extract.py > places.csv
"""
import csv
import re
import struct
import subprocess
import sys

LIB = '/usr/lib/x86_64-linux-gnu/libgeonames.so.0'
LOCALE = '/usr/share/locale/{}/LC_MESSAGES/geonames.mo'
CJK = re.compile('[\u4e00-\u9fff]')


def cities():
    """The library's compiled city table (a GResource inside the library):
    per city seven NUL-terminated strings (GeoNames id, name, admin-1 code,
    state, country code, country, time zone), a little-endian uint32
    population at the next 4-byte boundary, then at the next 8-byte boundary
    latitude and longitude (float64) and 8 bytes the library uses itself."""
    b = subprocess.run(['gresource', 'extract', LIB, '/com/lomiri/geonames/cities.compiled'],
                       capture_output=True, check=True).stdout
    i = 0
    while i < len(b) and b[i:i + 1].isdigit():
        s = []
        for _ in range(7):
            j = b.index(b'\0', i)
            s.append(b[i:j].decode())
            i = j + 1
        i = (i + 3) & ~3
        population, = struct.unpack_from('<I', b, i)
        i = (i + 4 + 7) & ~7
        lat, lon = struct.unpack_from('<dd', b, i)
        i += 24
        yield s[0], s[1], s[4], lon, lat, population


def catalog(lang):
    """GeoNames id -> name, from the library's translations."""
    out = subprocess.run(['msgunfmt', LOCALE.format(lang)], capture_output=True, text=True, check=True).stdout
    return {m[1]: m[2] for m in re.finditer(r'msgid "(.+?)"\nmsgstr "(.+?)"\n', out)}


def simplified(names):
    """Traditional characters to simplified (OpenCC t2s), one name a line."""
    out = subprocess.run(['opencc', '-c', 't2s.json'], input='\n'.join(names) + '\n',
                         capture_output=True, text=True, check=True).stdout
    return out.split('\n')[:len(names)]


zh = catalog('zh')
rows = [(country, name, zh[gid], f'{lon:.4f}', f'{lat:.4f}', population)
        for gid, name, country, lon, lat, population in cities()
        if CJK.search(zh.get(gid, ''))]
names = simplified([r[2] for r in rows])
rows = [(r[0], r[1], n, *r[3:]) for r, n in zip(rows, names)]
rows.sort(key=lambda r: (-r[5], r[0], r[1]))
w = csv.writer(sys.stdout, lineterminator='\n')
w.writerow(['country', 'name_en', 'name_zh', 'lon', 'lat', 'population'])
w.writerows(rows)
